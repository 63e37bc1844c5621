// phucvu service worker: keeps the app shell and static assets for slow or absent networks.
// Pages: network first, then the cached copy, then the offline page.
// Static assets (/pkg, /icons): served from cache, refreshed in the background.
// Server functions and the API (/api): always the network; never cached.
const VERSION = 'phucvu-v3';
const SHELL = [
  '/',
  '/offline.html',
  '/manifest.webmanifest',
  '/pkg/phucvu.js',
  '/pkg/phucvu.wasm',
  '/pkg/phucvu.css',
  '/icons/icon.svg',
  '/icons/icon-192.png',
];

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(VERSION).then((cache) =>
      // One missing file must not stop the install: add them one by one.
      Promise.all(SHELL.map((url) => cache.add(new Request(url, { cache: 'reload' })).catch(() => undefined)))
    ).then(() => self.skipWaiting())
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== VERSION).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

function isStatic(url) {
  return url.pathname.startsWith('/pkg/') || url.pathname.startsWith('/icons/') || url.pathname === '/manifest.webmanifest';
}

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;

  if (req.mode === 'navigate') {
    event.respondWith(
      fetch(req)
        .then((resp) => {
          if (resp.ok) {
            const copy = resp.clone();
            caches.open(VERSION).then((c) => c.put(req, copy));
          }
          return resp;
        })
        .catch(() => caches.match(req).then((hit) => hit || caches.match('/offline.html')))
    );
    return;
  }

  if (isStatic(url)) {
    event.respondWith(
      caches.open(VERSION).then((cache) =>
        cache.match(req).then((hit) => {
          const refresh = fetch(req)
            .then((resp) => {
              if (resp.ok) cache.put(req, resp.clone());
              return resp;
            })
            .catch(() => hit);
          return hit || refresh;
        })
      )
    );
  }
});

// A page asks to be kept for offline use (booking with its QR code, a ticket, the collector's
// field app): pages opened by client-side navigation were never fetched as documents, so fetch
// and store them now, with the static files the page says it loaded (its lazy wasm parts may
// have loaded before this worker took control).
self.addEventListener('message', (event) => {
  const d = event.data || {};
  if (d.type === 'forget-pages') {
    // Signed out: the pages kept for offline use hold the account's data (families' names and
    // addresses); keep only the static files.
    event.waitUntil(
      caches.open(VERSION).then((cache) =>
        cache.keys().then((reqs) => Promise.all(
          reqs.filter((r) => !isStatic(new URL(r.url)) && new URL(r.url).pathname !== '/offline.html')
            .map((r) => cache.delete(r))
        ))
      )
    );
    return;
  }
  if (d.type !== 'keep-page' || typeof d.url !== 'string' || !d.url.startsWith('/') || d.url.startsWith('//')
      || d.url.startsWith('/api/')) return;
  const assets = Array.isArray(d.assets)
    ? d.assets.filter((u) => typeof u === 'string' && isStatic(new URL(u, self.location.origin)) && u.startsWith('/'))
    : [];
  event.waitUntil(
    caches.open(VERSION).then((cache) =>
      Promise.all([
        fetch(d.url, { credentials: 'same-origin' })
          .then((resp) => (resp.ok ? cache.put(d.url, resp) : undefined))
          .catch(() => undefined),
        ...assets.map((u) =>
          cache.match(u).then((hit) => hit || cache.add(u).catch(() => undefined))
        ),
      ])
    )
  );
});
