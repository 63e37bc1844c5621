// The civil-status official's work queue with 200,000 dossiers in their commune
// (scripts/bench.sh): the default list, the long list of certificates to deliver, the overdue
// list and a deep page of a filtered list, each timed over HTTP (counts, page and JSON). Prints
// one `name: value unit` line; the headline is the slowest kind's p50, the rest goes to stderr.
const A = process.env.BENCH_A;
const log = (...a) => console.error('bench:', ...a);
const pct = (xs, q) => { const s = [...xs].sort((a, b) => a - b); return s[Math.max(0, Math.ceil(q * s.length) - 1)]; };
const fmt = (x) => x.toFixed(1);
const PAGE = 50; // work::PAGE_SIZE
const is = (v, name) => String(v).toLowerCase().replace(/_/g, '') === name.replace(/_/g, '');

async function login(username) {
  const r = await fetch(`${A}/api/login`, {
    method: 'POST', redirect: 'manual',
    headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password: 'phucvu-demo-2026' }),
  });
  const cookie = r.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => /^phucvu_session=./.test(c));
  if (!cookie) throw new Error(`login ${username}: ${r.status}`);
  return cookie;
}

// Every field is sent, empty for the default: the GetUrl server function takes them all. The
// body is read as text first so an error page fails with what the server said, not a parse error.
async function timed(filters, cookie, check) {
  const url = `${A}/api/civil_queue?${new URLSearchParams({ tab: '', kind: '', channel: '', age: '', page: '', ...filters })}`;
  const ms = [];
  let body;
  for (let i = 0; i < 25; i++) {
    const t = performance.now();
    const r = await fetch(url, { redirect: 'manual', headers: { accept: 'application/json', cookie } });
    const text = await r.text();
    ms.push(performance.now() - t);
    try { body = JSON.parse(text); } catch { body = undefined; }
    if (r.status !== 200 || !Array.isArray(body?.rows) || !check(body)) {
      throw new Error(`${url}: ${r.status} ${text.slice(0, 300)}`);
    }
  }
  log(`${String(new URLSearchParams(filters)) || 'default'}: ${body.total} dossiers in the list`);
  return ms.slice(5); // the first runs warm caches
}

// Full pages where the load guarantees them, so an empty queue (data in the wrong commune, a
// filter ignored) fails instead of timing nothing.
const cookie = await login('quynhon.hotich');
const runs = {
  notified: await timed({}, cookie, (b) => b.rows.length === PAGE && b.rows.every((r) => is(r.status, 'notified'))),
  to_deliver: await timed({ tab: 'to_deliver' }, cookie,
    (b) => b.rows.length === PAGE && b.total > 10000 && b.rows.every((r) => is(r.status, 'registered'))),
  overdue: await timed({ tab: 'overdue' }, cookie, (b) => b.rows.length > 0 && b.rows.every((r) => r.overdue)),
  page_100: await timed({ tab: 'to_deliver', kind: 'birth', page: '100' }, cookie,
    (b) => b.rows.length === PAGE && b.page === 100 && b.rows.every((r) => is(r.kind, 'birth'))),
};
for (const [k, ms] of Object.entries(runs)) log(`${k}: p50 ${fmt(pct(ms, 0.5))} ms, p95 ${fmt(pct(ms, 0.95))} ms`);
const p50 = Object.fromEntries(Object.entries(runs).map(([k, ms]) => [k, pct(ms, 0.5)]));
const worst = Math.max(...Object.values(p50));
const p95 = Math.max(...Object.values(runs).map((ms) => pct(ms, 0.95)));
console.log(`work_queue_ms_200k_dossiers: ${fmt(worst)} ms (p95 ${fmt(p95)}; notified ${fmt(p50.notified)}, `
  + `to_deliver ${fmt(p50.to_deliver)}, overdue ${fmt(p50.overdue)}, page 100 ${fmt(p50.page_100)})`);
