// Starts Swagger UI on /api/docs (a file, not inline: the Content-Security-Policy allows no inline script).
if (window.SwaggerUIBundle) {
  window.ui = window.SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#swagger-ui' });
}
