// Load figures of booking and the live queue, against two running instances (scripts/bench.sh
// starts them and loads 100,000 bookings). Prints `name: value unit` lines; progress and
// failures go to stderr. Node 18+: global fetch, no packages.
//   BENCH_A, BENCH_B: base URLs of the two instances; BENCH_OFFICE: office id; BENCH_COUNTER: its counter 1.
const A = process.env.BENCH_A, B = process.env.BENCH_B;
const OFFICE = process.env.BENCH_OFFICE, COUNTER = process.env.BENCH_COUNTER;
const PROCEDURE = '1.001193'; // civil status: group A, served by counter 1
const PASSWORD = 'phucvu-demo-2026';

const log = (...a) => console.error('bench:', ...a);
const now = () => performance.now();
const pct = (xs, q) => { const s = [...xs].sort((a, b) => a - b); return s[Math.max(0, Math.ceil(q * s.length) - 1)]; };
const fmt = (x) => x.toFixed(1);
// Vietnam's date (UTC+7, no daylight saving), `days` from today.
const vnDay = (days = 0) => new Date(Date.now() + 7 * 3600e3 + days * 86400e3).toISOString().slice(0, 10);

// Server functions: form-encoded POST (GET for read-only ones). `Accept: application/json`
// makes leptos answer 200 with the JSON result instead of redirecting like a plain form post.
async function serverFn(base, fn, fields, cookie, method = 'POST') {
  const query = new URLSearchParams(fields);
  const r = await fetch(method === 'GET' ? `${base}/api/${fn}?${query}` : `${base}/api/${fn}`, {
    method,
    redirect: 'manual',
    headers: { accept: 'application/json', ...(cookie ? { cookie } : {}),
      ...(method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    body: method === 'POST' ? query : undefined,
  });
  const text = await r.text();
  let body = text;
  try { body = JSON.parse(text); } catch { /* error pages are text */ }
  return { ok: r.ok, status: r.status, body, headers: r.headers };
}

async function login(base, username) {
  const r = await serverFn(base, 'login', { username, password: PASSWORD });
  const cookie = r.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => /^phucvu_session=./.test(c));
  if (!cookie) throw new Error(`login ${username}: ${r.status} ${JSON.stringify(r.body)}`);
  return cookie;
}

// Runs `job(i)` for i in 0..n with `workers` in flight.
async function pool(n, workers, job) {
  let next = 0;
  await Promise.all(Array.from({ length: workers }, async () => { while (next < n) await job(next++); }));
}

async function availability() {
  const q = { office: OFFICE, procedure: PROCEDURE, from: vnDay() };
  const first = await serverFn(A, 'booking_availability', q, null, 'GET');
  if (!first.ok || !Array.isArray(first.body.days)) throw new Error(`availability: ${first.status} ${JSON.stringify(first.body)}`);
  const url = `${A}/api/booking_availability?${new URLSearchParams(q)}`;
  const seconds = 5, end = now() + seconds * 1000;
  let done = 0, failed = 0;
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (now() < end) {
      const r = await fetch(url, { headers: { accept: 'application/json' } });
      await r.arrayBuffer();
      r.ok ? done++ : failed++;
    }
  }));
  if (failed) log(`availability: ${failed} failed lookups`);
  console.log(`availability_lookups_per_s: ${fmt(done / seconds)} /s`);
}

async function bookings(hotline) {
  // Every bookable slot of the next two weeks, for three procedures of the office.
  const slots = [];
  for (const procedure of [PROCEDURE, '1.000894', '2.000815']) {
    for (const from of [vnDay(), vnDay(7)]) {
      const r = await serverFn(A, 'booking_availability', { office: OFFICE, procedure, from }, null, 'GET');
      if (!r.ok) { log(`no availability for ${procedure}: ${r.status}`); continue; }
      for (const d of r.body.days) for (const s of d.slots) if (s.bookable) slots.push({ procedure, starts_at: s.starts_at });
    }
  }
  if (!slots.length) throw new Error('bookings: no bookable slot');
  const n = 200, lat = [];
  const failures = {};
  const t0 = now();
  await pool(n, 8, async (i) => {
    const slot = slots[i % slots.length];
    const start = now();
    const r = await serverFn(A, 'book', {
      office: OFFICE, procedure: slot.procedure, starts_at: slot.starts_at, name: `Bench ${i}`,
      // One phone may hold one booking per procedure and day: a new phone per booking.
      phone: `03${String(10000000 + i).slice(-8)}`, key: crypto.randomUUID(),
    }, hotline);
    if (r.ok && r.body?.code) lat.push(now() - start);
    else { const k = `${r.status} ${JSON.stringify(r.body).slice(0, 120)}`; failures[k] = (failures[k] || 0) + 1; }
  });
  const elapsed = (now() - t0) / 1000;
  for (const [k, c] of Object.entries(failures)) log(`booking failed ${c}x: ${k}`);
  if (!lat.length) throw new Error('bookings: none succeeded');
  console.log(`bookings_per_s: ${fmt(lat.length / elapsed)} /s`);
  console.log(`booking_p50_ms: ${fmt(pct(lat, 0.5))} ms`);
  console.log(`booking_p99_ms: ${fmt(pct(lat, 0.99))} ms`);
}

// The office's server-sent events on `base`; `next(pred)` resolves with the first matching
// message that arrives from now on, stamped with its arrival time.
async function subscribe(base) {
  const abort = new AbortController();
  const r = await fetch(`${base}/api/v1/offices/${OFFICE}/events`, {
    headers: { accept: 'text/event-stream', 'accept-encoding': 'identity' }, signal: abort.signal,
  });
  if (!r.ok) throw new Error(`events: ${r.status}`);
  let waiters = [];
  (async () => {
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for await (const chunk of r.body) {
        buf += decoder.decode(chunk, { stream: true }).replace(/\r\n/g, '\n');
        let end;
        while ((end = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, end); buf = buf.slice(end + 2);
          const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n');
          if (!data) continue; // keep-alive comment
          const ev = { ...JSON.parse(data), at: now() };
          for (const w of waiters.filter((w) => w.pred(ev))) w.resolve(ev);
          waiters = waiters.filter((w) => !w.pred(ev));
        }
      }
    } catch (e) { if (!abort.signal.aborted) log('event stream:', e.message); }
  })();
  const next = (pred, ms = 5000) => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no event within 5 s')), ms);
    waiters.push({ pred, resolve: (ev) => { clearTimeout(timer); resolve(ev); } });
  });
  return { next, close: () => abort.abort() };
}

async function callToBoard(officer) {
  const n = 100;
  for (let i = 0; i < n; i++) {
    const r = await serverFn(A, 'kiosk_walk_in', { office: OFFICE, procedure: PROCEDURE, priority: '' }, officer);
    if (!r.ok) throw new Error(`walk-in: ${r.status} ${JSON.stringify(r.body)}`);
  }
  const board = await subscribe(B);
  const lat = [];
  try {
    for (let i = 0; i < n; i++) {
      const called = board.next((e) => e.kind === 'called' && e.counter === 1);
      const t0 = now();
      const r = await serverFn(A, 'counter_call_next', { counter: COUNTER }, officer);
      if (!r.ok || !r.body) throw new Error(`call-next: ${r.status} ${JSON.stringify(r.body)}`);
      const ev = await called;
      if (ev.ticket !== r.body.label) throw new Error(`board showed ${ev.ticket}, counter called ${r.body.label}`);
      lat.push(ev.at - t0);
      // Start serving: the next call-next finishes it (a ticket only called keeps the counter busy).
      const s = await serverFn(A, 'counter_act', { counter: COUNTER, ticket: r.body.ticket_id, action: 'start', arg: '' }, officer);
      if (!s.ok) throw new Error(`start: ${s.status} ${JSON.stringify(s.body)}`);
    }
  } finally { board.close(); }
  console.log(`call_to_board_p99_ms: ${fmt(pct(lat, 0.99))} ms`);
}

const [hotline, officer] = [await login(A, 'tinh.tongdai'), await login(A, 'quynhon.motcua')];
log('availability…'); await availability();
log('bookings…'); await bookings(hotline);
log('call to board…'); await callToBoard(officer);
process.exit(0); // idle keep-alive connections must not hold the script open
