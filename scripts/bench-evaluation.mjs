// Ranking queries with 1,000,000 ratings loaded (scripts/bench.sh): the public rankings of
// offices and communes for the year and the supervisors' ranking of officials, each timed over
// HTTP (query, ranking and JSON). Prints `name: value unit`; the headline is the slowest kind's p50.
const A = process.env.BENCH_A;
const log = (...a) => console.error('bench:', ...a);
const pct = (xs, q) => { const s = [...xs].sort((a, b) => a - b); return s[Math.max(0, Math.ceil(q * s.length) - 1)]; };
const year = new Date(Date.now() + 7 * 3600e3).getUTCFullYear();

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

async function timed(url, cookie, check) {
  const ms = [];
  for (let i = 0; i < 25; i++) {
    const t = performance.now();
    const r = await fetch(url, { headers: { accept: 'application/json', ...(cookie ? { cookie } : {}) } });
    const body = await r.json();
    ms.push(performance.now() - t);
    if (!r.ok || !check(body)) throw new Error(`${url}: ${r.status} ${JSON.stringify(body).slice(0, 300)}`);
  }
  return ms.slice(5); // the first runs warm caches
}

const cookie = await login('tinh.quantri');
const runs = {
  office: await timed(`${A}/api/v1/evaluation/rankings?unit=office&period=${year}`, null, (b) => b.units.length > 100),
  commune: await timed(`${A}/api/v1/evaluation/rankings?unit=commune&period=${year}`, null, (b) => b.units.length > 100),
  official: await timed(`${A}/api/evaluation_ranking?kind=official&period=${year}&by=score`, cookie, (b) => b.rows.length > 300),
  official_month: await timed(`${A}/api/evaluation_ranking?kind=official&period=&by=satisfaction`, cookie, (b) => Array.isArray(b.rows)),
};
const total = await (await fetch(`${A}/api/v1/evaluation/rankings?unit=office&period=${year}`)).json();
log('ratings ranked this year:', total.units.reduce((s, u) => s + u.ratings, 0));
for (const [k, ms] of Object.entries(runs)) log(`${k}: p50 ${pct(ms, 0.5).toFixed(1)} ms, p95 ${pct(ms, 0.95).toFixed(1)} ms`);
const worst = Math.max(...Object.values(runs).map((ms) => pct(ms, 0.5)));
console.log(`ranking_query_ms_1m_ratings: ${worst.toFixed(1)} ms`);
console.log(`ranking_query_p95_ms_1m_ratings: ${Math.max(...Object.values(runs).map((ms) => pct(ms, 0.95))).toFixed(1)} ms`);
