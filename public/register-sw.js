// Registers the service worker once the page has loaded, so it never competes with hydration.
if ('serviceWorker' in navigator) {
  window.addEventListener('load', function () {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(function (e) {
      console.warn('service worker registration failed', e);
    });
  });
}
