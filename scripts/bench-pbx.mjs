// Sustained signed webhook events from a telephone exchange, against two running instances
// (scripts/bench.sh starts them and registers the exchange). Each call is 4 events (ringing,
// answered, ended, survey) sent one webhook each, as an exchange does, 16 at a time, half to
// each instance; a second pass resends a tenth of them to check they are taken as duplicates.
// Prints `pbx_events_per_s` and the webhook's latency.
//   BENCH_A, BENCH_B: base URLs; BENCH_EXCHANGE: the exchange's id; BENCH_SECRET: its key.
import { createHmac } from 'node:crypto';

const bases = [process.env.BENCH_A, process.env.BENCH_B];
const EXCHANGE = process.env.BENCH_EXCHANGE, SECRET = process.env.BENCH_SECRET;
const log = (...a) => console.error('bench:', ...a);
const now = () => performance.now();
const pct = (xs, q) => { const s = [...xs].sort((a, b) => a - b); return s[Math.max(0, Math.ceil(q * s.length) - 1)]; };
const fmt = (x) => x.toFixed(1);

async function send(i, body) {
  const ts = Math.floor(Date.now() / 1000);
  const sig = createHmac('sha256', SECRET).update(`${ts}.${body}`).digest('hex');
  const r = await fetch(`${bases[i % 2]}/api/v1/pbx/${EXCHANGE}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-pbx-timestamp': String(ts), 'x-pbx-signature': `sha256=${sig}` },
    body,
  });
  const v = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(`pbx ${r.status} ${JSON.stringify(v)}`);
  return v;
}

function events(n) {
  const t0 = Date.now() - 3600e3;
  const out = [];
  for (let c = 0; c < n; c++) {
    const at = (s) => new Date(t0 + c * 1000 + s * 1000).toISOString();
    const id = `bench-${c}`, from = `09${String(10000000 + c).slice(-8)}`;
    out.push({ call_id: id, event: 'ringing', at: at(0), from, to: '1022', extension: String(101 + (c % 20)), queue: 'civil' });
    out.push({ call_id: id, event: 'answered', at: at(8), extension: String(101 + (c % 20)) });
    out.push({ call_id: id, event: 'ended', at: at(190), cause: 'normal' });
    out.push({ call_id: id, event: 'survey', at: at(200), digits: String(1 + (c % 5)) });
  }
  return out;
}

async function pool(items, width, f) {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) { const i = next++; await f(items[i], i); }
  }));
}

const all = events(2500);
const lat = [];
let accepted = 0;
const t0 = now();
await pool(all, 16, async (e, i) => {
  const s = now();
  const v = await send(i, JSON.stringify(e));
  lat.push(now() - s);
  accepted += v.accepted;
});
const seconds = (now() - t0) / 1000;
if (accepted !== all.length) throw new Error(`pbx: ${accepted} of ${all.length} events accepted`);
let dup = 0;
await pool(all.filter((_, i) => i % 10 === 0), 16, async (e, i) => {
  const v = await send(i + 1, JSON.stringify(e)); // read before adding: `dup += await …` loses updates
  dup += v.duplicates;
});
if (dup !== Math.ceil(all.length / 10)) throw new Error(`pbx: ${dup} resent events taken as duplicates`);
log(`${all.length} events of ${all.length / 4} calls in ${fmt(seconds)} s; resent ${dup}, all duplicates`);
console.log(`pbx_events_per_s: ${fmt(all.length / seconds)} /s`);
console.log(`pbx_webhook_p50_ms: ${fmt(pct(lat, 0.5))} ms`);
console.log(`pbx_webhook_p99_ms: ${fmt(pct(lat, 0.99))} ms`);
