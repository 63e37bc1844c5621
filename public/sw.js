// phucvu service worker: keeps the app shell and static assets for slow or absent networks.
// Pages: network first; offline, a page kept on purpose (booking QR, the field app) while its
// session can still be open, else the offline page. A page is stored only if its response allows
// it: personal pages come with `Cache-Control: no-store` and are never written to disk here.
// Static assets (/pkg, /icons): served from cache, refreshed in the background.
// Server functions and the API (/api): always the network; never cached.
const VERSION = 'phucvu-v4';
// Pages kept on purpose live in their own cache, dropped when the session ends.
const KEPT = 'phucvu-kept-v1';
// A kept page older than a session's default length is no longer shown (nor kept).
const KEPT_MAX_MS = 12 * 3600 * 1000;
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
      .then((keys) => Promise.all(keys.filter((k) => k !== VERSION && k !== KEPT).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

function storable(resp) {
  const cc = (resp.headers.get('cache-control') || '').toLowerCase();
  return !cc.includes('no-store') && !cc.includes('private');
}

function forgetKept() {
  return caches.delete(KEPT);
}

// Offline: a page kept on purpose and still fresh, else a public cached copy, else the offline page.
async function offlineCopy(req) {
  const kept = await caches.open(KEPT);
  const hit = await kept.match(req, { ignoreSearch: false });
  if (hit) {
    const at = Number(hit.headers.get('x-kept-at') || 0);
    if (Date.now() - at <= KEPT_MAX_MS) return hit;
    await kept.delete(req);
  }
  const pub = await caches.match(req, { cacheName: VERSION });
  return pub || caches.match('/offline.html');
}

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
          const work = [];
          // The server says the browser has no session: what was kept for one goes.
          if (resp.headers.get('x-phucvu-session') === 'none') work.push(forgetKept());
          if (resp.ok && storable(resp)) {
            const copy = resp.clone();
            work.push(caches.open(VERSION).then((c) => c.put(req, copy)));
          }
          // Housekeeping must never turn a good answer into the offline page.
          try {
            if (work.length) event.waitUntil(Promise.all(work).catch(() => undefined));
          } catch (e) {
            /* the event's lifetime is over; the work still runs */
          }
          return resp;
        })
        .catch(() => offlineCopy(req))
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
    event.waitUntil(forgetKept());
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
          .then((resp) => (resp.ok ? keep(d.url, resp) : undefined))
          .catch(() => undefined),
        ...assets.map((u) =>
          cache.match(u).then((hit) => hit || cache.add(u).catch(() => undefined))
        ),
      ])
    )
  );
});

// Stores a page kept on purpose with the time it was kept (a header on the stored copy).
async function keep(url, resp) {
  const headers = new Headers(resp.headers);
  headers.set('x-kept-at', String(Date.now()));
  const body = await resp.blob();
  const cache = await caches.open(KEPT);
  await cache.put(url, new Response(body, { status: resp.status, statusText: resp.statusText, headers }));
}
