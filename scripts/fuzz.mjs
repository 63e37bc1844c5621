#!/usr/bin/env node
// Fuzzes a running phucvu server: every Leptos server function (found in app/src) and every
// /api/v1 operation (found in /api/openapi.json), as anonymous, a citizen and demo staff, with
// plausible values and then broken ones per field. Fails on any 5xx, timeout or dropped
// connection: a refusal must be a 4xx, never a crash.
//
//   node scripts/fuzz.mjs          BASE_URL (default http://127.0.0.1:3000), server with PHUCVU_DEMO_DATA=1
//   node scripts/fuzz.mjs --list   discovery only (no server needed for the server functions)
//
// Optional env: FUZZ_CONCURRENCY (8), FUZZ_TIMEOUT_MS (20000), FUZZ_BUDGET_S (170: variants
// still queued after that are skipped and reported, so the run stays bounded).
// Node 20, no packages: global fetch, node:fs, node:path.

import fs from 'node:fs';
import path from 'node:path';

const BASE_URL = (process.env.BASE_URL || 'http://127.0.0.1:3000').replace(/\/+$/, '');
const ROOT = path.resolve(path.dirname(decodeURIComponent(new URL(import.meta.url).pathname)), '..');
const APP_SRC = path.join(ROOT, 'app', 'src');
const LIST_ONLY = process.argv.includes('--list');
const CONCURRENCY = Number(process.env.FUZZ_CONCURRENCY || 8);
const TIMEOUT_MS = Number(process.env.FUZZ_TIMEOUT_MS || 20_000);
const BUDGET_MS = Number(process.env.FUZZ_BUDGET_S || 170) * 1000;
const STARTED = Date.now();
const RUN = Date.now().toString(36).toUpperCase();

// Never called: it would end the session the rest of the run relies on.
const NEVER_CALL = new Set(['logout']);

const log = (...a) => console.error('fuzz:', ...a);

// ───────────────────────────── Rust source scanning ─────────────────────────────

function rustFiles(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...rustFiles(p));
    else if (e.name.endsWith('.rs')) out.push(p);
  }
  return out.sort();
}

/** Index just past the bracket closing the one at `i`; skips string literals. */
function closing(src, i) {
  const pairs = { '(': ')', '[': ']', '{': '}' };
  const stack = [];
  for (let j = i; j < src.length; j++) {
    const c = src[j];
    if (c === '"') {
      for (j++; j < src.length && src[j] !== '"'; j++) if (src[j] === '\\') j++;
    } else if (pairs[c]) stack.push(pairs[c]);
    else if (c === stack[stack.length - 1]) {
      stack.pop();
      if (!stack.length) return j + 1;
    }
  }
  return -1;
}

/** Splits at top-level commas (generics, tuples, strings kept whole; `->` is not a bracket). */
function splitTop(s) {
  const parts = [];
  let depth = 0, cur = '', str = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (str) {
      cur += c;
      if (c === '\\') cur += s[++i] ?? '';
      else if (c === '"') str = false;
      continue;
    }
    if (c === '"') str = true;
    else if ('<([{'.includes(c)) depth++;
    else if (')]}'.includes(c) || (c === '>' && s[i - 1] !== '-')) depth--;
    else if (c === ',' && depth === 0) { parts.push(cur.trim()); cur = ''; continue; }
    cur += c;
  }
  if (cur.trim()) parts.push(cur.trim());
  return parts;
}

const stripAttrs = (s) => {
  let t = s.trim();
  while (t.startsWith('#[')) t = t.slice(closing(t, 1)).trim();
  return t;
};

/** Serde structs and type aliases of the app: struct arguments are sent field by field. */
function scanTypes(files) {
  const structs = new Map(), aliases = new Map();
  for (const file of files) {
    const src = fs.readFileSync(file, 'utf8');
    for (const m of src.matchAll(/pub\s+type\s+(\w+)\s*=\s*([^;]+);/g)) aliases.set(m[1], m[2].trim());
    for (const m of src.matchAll(/#\[derive\(([^)]*)\)\]\s*((?:#\[[^\]]*\]\s*)*)pub\s+struct\s+(\w+)\s*\{/g)) {
      if (!/\bDeserialize\b/.test(m[1])) continue;
      const open = m.index + m[0].length - 1;
      const body = src.slice(open + 1, closing(src, open) - 1).replace(/\/\/[^\n]*/g, '');
      const fields = [];
      for (const f of splitTop(body)) {
        const fm = stripAttrs(f).match(/^(?:pub(?:\([^)]*\))?\s+)?(\w+)\s*:\s*([\s\S]+)$/);
        if (fm) fields.push({ name: fm[1], rust: fm[2].replace(/\s+/g, ' ').trim() });
      }
      structs.set(m[3], fields);
    }
  }
  return { structs, aliases };
}

/** The fuzzer's view of a Rust type. Kinds: string int float bool date datetime time uuid vec map struct opaque. */
function rustType(t, types, depth = 0) {
  t = t.replace(/\s+/g, ' ').replace(/^&\s*('\w+\s*)?(mut\s+)?/, '').trim();
  if (depth > 4) return { kind: 'opaque', rust: t };
  if (t.startsWith('(') || t.startsWith('[')) return { kind: 'opaque', rust: t };
  const m = t.match(/^([\w:]+)\s*(?:<([\s\S]*)>)?$/);
  if (!m) return { kind: 'opaque', rust: t };
  const name = m[1].split('::').pop();
  const gen = m[2] ? splitTop(m[2]) : [];
  const sub = (x) => rustType(x, types, depth + 1);
  if (['String', 'str', 'Cow', 'char'].includes(name)) return { kind: 'string' };
  if (/^[iu](8|16|32|64|128|size)$/.test(name)) return { kind: 'int', rust: name };
  if (['f32', 'f64'].includes(name)) return { kind: 'float' };
  if (name === 'bool') return { kind: 'bool' };
  if (name === 'NaiveDate') return { kind: 'date' };
  if (['DateTime', 'NaiveDateTime'].includes(name)) return { kind: 'datetime' };
  if (name === 'NaiveTime') return { kind: 'time' };
  if (name === 'Uuid') return { kind: 'uuid' };
  if (name === 'Option' && gen[0]) return { ...sub(gen[0]), optional: true };
  if (['Box', 'Arc', 'Rc'].includes(name) && gen[0]) return sub(gen[0]);
  if (['Vec', 'VecDeque', 'HashSet', 'BTreeSet'].includes(name) && gen[0]) return { kind: 'vec', inner: sub(gen[0]) };
  if (['HashMap', 'BTreeMap', 'IndexMap'].includes(name) && gen[1]) return { kind: 'map', value: sub(gen[1]) };
  if (types.aliases.has(name)) return sub(types.aliases.get(name));
  if (types.structs.has(name)) {
    return { kind: 'struct', rust: name,
      fields: types.structs.get(name).map((f) => ({ name: f.name, type: sub(f.rust) })) };
  }
  return { kind: 'opaque', rust: t };
}

const typeLabel = (t) => ({
  vec: () => `[${typeLabel(t.inner)}]`, map: () => `{${typeLabel(t.value)}}`,
  struct: () => `${t.rust}{${t.fields.map((f) => `${f.name}: ${typeLabel(f.type)}`).join(', ')}}`,
  opaque: () => `opaque(${t.rust})`,
}[t.kind]?.() ?? t.kind) + (t.optional ? '?' : '');

/** Every `#[server(...)] pub async fn` in app/src: URL, method, encoding, typed arguments. */
function discoverServerFns() {
  const files = rustFiles(APP_SRC);
  const types = scanTypes(files);
  const fns = [], problems = [];
  let attributes = 0, argAttributes = 0;
  for (const file of files) {
    const src = fs.readFileSync(file, 'utf8');
    const rel = path.relative(ROOT, file);
    for (const m of src.matchAll(/#\[server\b/g)) {
      attributes++;
      const line = src.slice(src.lastIndexOf('\n', m.index) + 1, m.index);
      if (line.includes('//')) { problems.push(`${rel}: #[server in a comment, ignored`); continue; }
      const end = closing(src, m.index + 1);
      const inner = src.slice(m.index + 2, end - 1).replace(/^server\s*/, '');
      // `#[server(default)]` marks an argument, not a function.
      if (/^\(\s*default\s*\)$/.test(inner)) { argAttributes++; continue; }
      const opts = {};
      const positional = [];
      if (inner.startsWith('(')) {
        for (const part of splitTop(inner.slice(1, -1))) {
          const kv = part.match(/^(\w+)\s*=\s*([\s\S]+)$/);
          if (kv) opts[kv[1]] = kv[2].trim().replace(/^"|"$/g, '');
          else positional.push(part.replace(/^"|"$/g, ''));
        }
      }
      // After the attribute: other attributes and doc comments, then the signature.
      const rest = src.slice(end);
      const sig = rest.match(/^(?:\s|#\[[^\]]*\]|\/\/[^\n]*)*pub(?:\([^)]*\))?\s+async\s+fn\s+(\w+)\s*(?:<[^>]*>)?\s*\(/);
      if (!sig) { problems.push(`${rel}: #[server not followed by pub async fn`); continue; }
      const open = end + sig[0].length - 1;
      const params = src.slice(open + 1, closing(src, open) - 1);
      const args = splitTop(params).map((p) => {
        const pm = stripAttrs(p).replace(/^mut\s+/, '').match(/^(\w+)\s*:\s*([\s\S]+)$/);
        return pm ? { name: pm[1], rust: pm[2].replace(/\s+/g, ' ').trim(), type: rustType(pm[2], types) }
          : { name: p, rust: p, type: { kind: 'opaque', rust: p } };
      });
      const prefix = opts.prefix ?? positional[1] ?? '/api';
      const endpoint = opts.endpoint ?? positional[3];
      const codec = (opts.input ?? positional[2] ?? 'PostUrl').split('::').pop();
      const enc = {
        PostUrl: ['POST', 'form'], Url: ['POST', 'form'], GetUrl: ['GET', 'query'], DeleteUrl: ['DELETE', 'query'],
        PutUrl: ['PUT', 'form'], PatchUrl: ['PATCH', 'form'], Json: ['POST', 'json'], PostJson: ['POST', 'json'],
        PutJson: ['PUT', 'json'], PatchJson: ['PATCH', 'json'], GetJson: ['GET', 'query'],
      }[codec] ?? ['POST', 'opaque'];
      const fn = { file: rel, name: sig[1], endpoint, codec, method: enc[0], enc: enc[1], args,
        path: endpoint ? (endpoint.startsWith('/') ? prefix + endpoint : `${prefix}/${endpoint}`) : null };
      // Without an explicit endpoint leptos appends a hash of the source location: not guessable.
      if (!fn.path) problems.push(`${rel}: ${fn.name} has no endpoint = "...", its URL is a hash; skipped`);
      fns.push(fn);
    }
  }
  return { fns, problems, attributes, argAttributes };
}

/** Field keys of the civil-status forms (`f: BTreeMap<String, String>` arguments), from form.rs. */
function civilFormKeys() {
  const keys = {};
  try {
    const src = fs.readFileSync(path.join(APP_SRC, 'civil', 'form.rs'), 'utf8');
    for (const m of src.matchAll(/const\s+(\w+)\s*:\s*&\[FieldSpec\]\s*=\s*&\[([\s\S]*?)\];/g)) {
      keys[m[1].toLowerCase()] = [...m[2].matchAll(/f\("(\w+)"/g)].map((x) => x[1]);
    }
  } catch { /* no forms: maps get a generic key */ }
  return keys;
}

/** The demo staff (username, role, commune) and their password, from app/src/demo.rs. */
function demoStaff() {
  let src = '';
  try { src = fs.readFileSync(path.join(APP_SRC, 'demo.rs'), 'utf8'); } catch { /* defaults below */ }
  const password = src.match(/DEMO_PASSWORD\s*:\s*&str\s*=\s*"([^"]+)"/)?.[1] ?? 'phucvu-demo-2026';
  const staff = [...src.matchAll(/\(\s*"([\w.-]+)"\s*,\s*"[^"]*"\s*,\s*Role::(\w+)\s*,\s*\w+\s*,\s*(None|Some\("\d+"\))\s*\)/g)]
    .map((m) => ({ username: m[1], role: m[2], commune: m[3] !== 'None' }));
  return { password, staff };
}

// ───────────────────────────── OpenAPI discovery ─────────────────────────────

/** An OpenAPI schema in the same shape as `rustType`. */
function schemaType(s, doc, depth = 0) {
  if (!s || depth > 6) return { kind: 'opaque', rust: 'schema' };
  if (s.$ref) {
    const target = s.$ref.replace(/^#\//, '').split('/').reduce((o, k) => o?.[k], doc);
    return { ...schemaType(target, doc, depth + 1), rust: s.$ref.split('/').pop() };
  }
  const alts = s.oneOf ?? s.anyOf;
  if (alts) {
    const real = alts.filter((a) => a.type !== 'null');
    const t = real.length === 1 ? schemaType(real[0], doc, depth + 1) : { kind: 'opaque', rust: 'oneOf' };
    return real.length < alts.length ? { ...t, optional: true } : t;
  }
  if (s.allOf) {
    const parts = s.allOf.map((a) => schemaType(a, doc, depth + 1));
    const fields = parts.flatMap((p) => p.fields ?? []);
    return fields.length ? { kind: 'struct', rust: 'allOf', fields } : parts[0];
  }
  let type = s.type, optional = !!s.nullable;
  if (Array.isArray(type)) { optional ||= type.includes('null'); type = type.find((x) => x !== 'null'); }
  const opt = optional ? { optional: true } : {};
  switch (type) {
    case 'string':
      return { kind: { uuid: 'uuid', date: 'date', 'date-time': 'datetime', time: 'time' }[s.format] ?? 'string',
        ...(s.enum ? { enum: s.enum } : {}), ...opt };
    case 'integer': return { kind: 'int', rust: s.format ?? 'integer', ...opt };
    case 'number': return { kind: 'float', ...opt };
    case 'boolean': return { kind: 'bool', ...opt };
    case 'array': return { kind: 'vec', inner: schemaType(s.items, doc, depth + 1), ...opt };
    default:
      if (s.properties || type === 'object') {
        const req = new Set(s.required ?? []);
        return { kind: 'struct', rust: 'object', ...opt, fields: Object.entries(s.properties ?? {}).map(([name, p]) => {
          const t = schemaType(p, doc, depth + 1);
          return { name, type: req.has(name) ? t : { ...t, optional: true } };
        }) };
      }
      return { kind: 'opaque', rust: JSON.stringify(s).slice(0, 40), ...opt };
  }
}

async function discoverApi() {
  const res = await fetch(`${BASE_URL}/api/openapi.json`, { signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`GET /api/openapi.json: ${res.status}`);
  const doc = await res.json();
  const ops = [];
  for (const [p, item] of Object.entries(doc.paths ?? {})) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
      const op = item[method];
      if (!op) continue;
      // A server-sent event stream never ends: every request to it would be a timeout.
      if (Object.values(op.responses ?? {}).some((r) => r?.content?.['text/event-stream'])) continue;
      const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].map((x) => (x.$ref ? schemaType(x, doc) : x))
        .map((x) => ({ name: x.name, in: x.in, required: !!x.required, type: schemaType(x.schema, doc) }));
      const bodySchema = op.requestBody?.content?.['application/json']?.schema;
      const security = (op.security ?? doc.security ?? []).flatMap((o) => Object.keys(o));
      ops.push({ method: method.toUpperCase(), path: p, params, security,
        body: bodySchema ? schemaType(bodySchema, doc) : null });
    }
  }
  return ops;
}

// ───────────────────────────── values ─────────────────────────────

const NAME_VI = 'Nguyễn Thị Lan';
const TEXT_VI = 'Phường Quy Nhơn, tỉnh Gia Lai';
const PERSONAL_ID = '052199001234';
const PHONE = '0912345678';
const uuid = () => crypto.randomUUID();
const nowIso = (days = 0) => new Date(Date.now() + days * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');

// Values seen in responses (ids, codes, tokens), per session and overall, so baselines reach past
// "not found": key → values, recorded as `key`, `parent.key` and `endpoint:key`.
const pools = new Map();
function harvest(session, endpoint, value) {
  const add = (pool, k, v) => {
    if (!pools.has(pool)) pools.set(pool, new Map());
    const m = pools.get(pool);
    if (!m.has(k)) m.set(k, []);
    const list = m.get(k);
    if (list.length < 20 && !list.includes(v)) list.push(v);
  };
  const walk = (v, key, parent, depth) => {
    if (depth > 8 || v === null || v === undefined) return;
    if (Array.isArray(v)) return v.forEach((x) => walk(x, key, parent, depth + 1));
    if (typeof v === 'object') return Object.entries(v).forEach(([k, x]) => walk(x, k, key, depth + 1));
    const s = String(v);
    if (!key || s.length > 100 || /[\n\r]/.test(s)) return;
    for (const pool of [session, '*']) {
      add(pool, key, s);
      add(pool, `${parent ?? ''}.${key}`, s);
      add(pool, `${endpoint}:${key}`, s);
    }
  };
  walk(value, null, null, 0);
}
const pooled = (session, keys) => {
  for (const k of keys) for (const p of [session, '*']) { const v = pools.get(p)?.get(k)?.[0]; if (v) return v; }
  return undefined;
};

// Where in the pools an argument's value is found: matched on `endpoint.arg`.
const POOL_HINTS = [
  [/^(booking|booking_cancel|booking_reschedule|kiosk_check_in)\.code$/, ['my_bookings:code', 'book:code']],
  [/^commune_overview\.code$/, ['commune_code']],
  [/\.code$/, ['rows.code', 'dossier_code', 'field_to_deliver:code', 'letters:dossier_code']],
  [/\.commune$/, ['commune_code']],
  [/^(feedback_case|feedback_case_act)\.id$/, ['case_id']],
  [/^civil_verify\.token$/, ['verify_token']],
  [/^(rating_form|submit_rating)\.token$/, ['.rating', 'rating']],
  [/\.token$/, ['ticket.token', '.token', 'token']],
  [/\.office$/, ['office_id']],
  [/\.counter$/, ['counter_id']],
  [/\.ticket$/, ['ticket_id']],
  [/\.device$/, ['device_id']],
  [/\.task$/, ['task_id']],
  [/\.evaluation$/, ['evaluation_id']],
  [/\.facility$/, ['facility_keys:agency_id']],
  [/\.ids$/, ['letter_id']],
  [/\.(procedure|procedure_code)$/, ['procedure_code', 'procedures.code', 'catalogue.code', 'bookable_procedures:code']],
  [/\.starts_at$/, ['slots.starts_at', 'starts_at']],
  [/\.(mother_id|father_id|wife_id|husband_id|deceased_id)$/, ['data.mother_id', 'mother_id', 'data.deceased_id']],
  [/^civil_person\.query$/, ['data.mother_id', 'mother_id']],
  [/\.ticket_id$/, ['ticket_id']],
  [/\.certificate_code$/, ['certificate_code']],
];

// Values no pool or name rule gets right: `endpoint.arg` → value.
const OVERRIDES = {
  'login.password': () => DEMO.password, 'verify_code.code': '123456',
  'evaluation_ranking.kind': 'office', 'evaluation_ranking.by': 'score',
  'calendar_add.kind': 'holiday', 'calendar_add.day': '2025-06-02', 'calendar_remove.day': '2025-06-02',
  'counter_act.action': 'start', 'civil_act.action': 'review', 'feedback_case_act.action': 'request_info',
  'civil_document.document': 'receipt', 'civil_act.step': '', 'counter_act.arg': '',
  'setup_config.slot_minutes': '15', 'setup_config.horizon_days': '14', 'setup_config.min_notice_minutes': '60',
  'setup_config.checkin_before_minutes': '30', 'setup_config.checkin_after_minutes': '15',
  'setup_config.priority_every': '3', 'setup_config.booking_enabled': 'on',
  'setup_procedure.capacity': '2', 'setup_hours.weekday': '1',
  // A generous limit, so the public rate-limited functions are fuzzed rather than throttled.
  'set_rating_config.rating_valid_days': '30', 'set_rating_config.rating_requests_per_minute': '1000',
  'set_undelivered_days.days': '30',
  'add_criteria_set.code': `FUZZ-${RUN}`, 'add_criteria_set.band_excellent': '90', 'add_criteria_set.band_good': '80',
  'add_criteria_set.band_fair': '65', 'add_criteria_set.band_average': '50',
  'reassess.indicator': '1', 'reassess.points': '1', 'submit_rating.mode': 'phone',
  'civil_queue.tab': '', 'civil_queue.kind': '', 'civil_queue.channel': '', 'civil_queue.age': '', 'civil_queue.page': '0',
  'civil_act.reasons': 'Thiếu giấy chứng sinh', 'civil_act.confirm_distinct': '',
  '/api/v1/births.certificate_code': () => `GCS-FUZZ-${RUN}`,
  '/api/v1/births.child_sex': 'male', '/api/v1/births.weight_grams': 3200, '/api/v1/births.born_at': () => nowIso(-1),
  '/api/v1/queue/tickets.priority': null, '/api/v1/queue/tickets.booking_code': null,
  '/api/v1/queue/tickets/{ticket_id}/events.kind': 'called', '/api/v1/queue/tickets/{ticket_id}/events.counter': 1,
  '/api/v1/queue/tickets/{ticket_id}/events.dossier_code': null,
  '/api/v1/provinces/{code}/communes.code': '52', '/api/v1/former-communes/{code}.code': '21583',
  '/api/v1/evaluation/rankings.unit': 'office', '/api/v1/evaluation/rankings.by': 'score',
  '/api/v1/procedures.q': 'khai sinh',
};

// By argument name, when neither a pool nor an override has it.
const NAME_RULES = [
  [/^username$/, () => LOGIN_TARGET],
  [/password/, 'sai-mat-khau-fuzz'],
  [/phone/, PHONE],
  [/^(mother|father|wife|husband|deceased)_id$|^query$|personal/, PERSONAL_ID],
  [/(^|_)sex$/, 'male'],
  [/_at$/, () => nowIso(1)],
  [/_time$/, '08:30'],
  [/date|^day$|^from$|effective_from/, '2025-06-01'],
  [/^period$/, '2025-06'],
  [/^year$/, '2025'],
  [/^(signed|all|take|week|complaint|booking_enabled)$/, '1'],
  [/^(overall|item\d)$/, '5'],
  [/^w\d$/, '10'],
  [/minutes|days|every|capacity|points|indicator|weekday|page|per_minute|weight|number/, '1'],
  [/^key$/, () => uuid()],
  [/^(office|counter|ticket|device|task|evaluation|facility|id|ids|ticket_id)$/, () => uuid()],
  [/^kind$/, 'birth'],
  [/^priority$/, ''],
  [/^prefix$/, 'A'],
  [/^sessions$/, '07:30-11:30, 13:30-17:00'],
  [/^mode$/, 'phone'],
  [/^commune$|commune_code/, '21583'],
  [/^code$/, 'ABCD2345'],
  [/^token$/, 'fuzz-token-0000'],
  [/(^|_)(name|recipient)$|^title$/, NAME_VI],
  [/relation/, 'Mẹ'],
  [/ethnicity/, 'Kinh'],
  [/procedure/, '1.001193'],
];

const pick = (v) => (typeof v === 'function' ? v() : v);

/** A plausible scalar for `ctx` (`{scope, name}`) of kind `kind`, as a string (JSON may take a number). */
function guess(ctx, kind, session, type) {
  const key = `${ctx.scope}.${ctx.name}`;
  if (key in OVERRIDES) return pick(OVERRIDES[key]);
  for (const [re, keys] of POOL_HINTS) {
    if (re.test(key)) { const v = pooled(session, keys); if (v !== undefined) return v; break; }
  }
  if (type?.enum?.length) return type.enum[0];
  for (const [re, v] of NAME_RULES) if (re.test(ctx.name)) return pick(v);
  return { string: TEXT_VI, int: '1', float: '1.5', bool: 'false', date: '2025-06-01', datetime: nowIso(1),
    time: '08:30', uuid: uuid(), opaque: 'x' }[kind] ?? 'x';
}

// Value trees, encoded either as a urlencoded form (serde_qs `a[b]=…`) or as JSON:
//   {s}: scalar (string, number, boolean or null) · {raw}: already-encoded text in place of the
//   value · {bytes}: raw bytes in a JSON string · {list} · {obj: [[k, node]]} · {pairs}: literal
//   form pairs, `{}` standing for the field's name · undefined: the field is left out.
function plausible(type, ctx, session) {
  switch (type.kind) {
    case 'vec': return { list: [plausible(type.inner, { ...ctx, name: singular(ctx.name) }, session)] };
    case 'map':
      // Map entries are looked up by their key (`civil_receive.mother_id`), except id lists.
      return { obj: mapKeys(ctx).map((k) => [k, plausible(type.value, { ...ctx, name: ctx.name === 'ids' ? 'ids' : k }, session)]) };
    case 'struct':
      return { obj: type.fields.map((f) => [f.name, plausible(f.type, { ...ctx, name: f.name }, session)]) };
    default: {
      const v = guess(ctx, type.kind, session, type);
      if (v === null) return { s: null };
      if (ctx.json && (type.kind === 'int' || type.kind === 'float')) return { s: Number(v) || 1 };
      // serde_qs reads a bool only as `true`/`false`.
      if (type.kind === 'bool') { const b = [true, '1', 'true', 'on'].includes(v); return { s: ctx.json ? b : String(b) }; }
      return { s: String(v) };
    }
  }
}
const singular = (n) => n.replace(/ies$/, 'y').replace(/s$/, '');

const FORM_KEYS = civilFormKeys();
/** Keys of a map argument: the civil form of the baseline kind for `f`, two letter ids for `ids`. */
function mapKeys(ctx) {
  if (ctx.name === 'f') return FORM_KEYS.birth ?? ['a'];
  if (ctx.name === 'ids') return ['0', '1'];
  return ['a'];
}

// ───────────────────────────── variants ─────────────────────────────

const NFD = 'Nguyễn Thị Lan'.normalize('NFD');
const SQL = "' OR 1=1; drop table app_user;--";
// Broken text, numbers and dates, for every scalar: most arguments are `String`s parsed by the
// server, so a "number" variant matters for text fields too.
const STRINGS = [
  ['empty', ''], ['spaces', '   '], ['abc', 'abc'], ['nul', 'a\u0000b'], ['nfd', NFD], ['sql', SQL],
  ['emoji', '👩‍👩‍👧𝕏\u200d'], ['neg', '-1'], ['i32-under', '-2147483649'], ['i64-over', '9223372036854775808'],
  ['inf', '1e309'], ['date-bce', '-200000-01-01'], ['date-min', '0001-01-01'], ['date-max', '99999-12-31'],
  ['date-feb30', '2025-02-30'], ['instant-far', '+262143-12-31T23:59:59Z'], ['instant-edge', '9999-12-31T23:59:59-23:59'],
];
const RAW_NUMBERS = [['num-neg', '-1'], ['num-i32-under', '-2147483649'], ['num-i64-over', '9223372036854775808'],
  ['num-inf', '1e309'], ['num-frac', '1.5'], ['num-huge-exp', '1e-400']];

/** Form variants of one argument: [label, node]. `long` adds the 1 MB (or URL-sized) string. */
function formVariants(type, base, long) {
  const out = [['missing', undefined]];
  if (type.kind === 'vec') {
    out.push(['scalar', { s: 'abc' }], ['idx-huge', { pairs: [['{}[4294967296]', 'x']] }],
      ['idx-neg', { pairs: [['{}[-1]', 'x']] }], ['idx-alpha', { pairs: [['{}[a]', 'x']] }],
      ['idx-gap', { pairs: [['{}[0]', 'x'], ['{}[7]', 'y']] }], ['empty-brackets', { pairs: [['{}[]', 'x']] }]);
    for (const [l, n] of formVariants(type.inner, base.list?.[0] ?? { s: 'x' }, long).slice(1)) out.push([`[0]:${l}`, { list: [n] }]);
    return out;
  }
  if (type.kind === 'map' || type.kind === 'struct') {
    const entries = base.obj ?? [];
    out.push(['scalar', { s: 'abc' }], ['empty-key', { pairs: [['{}[]', 'x']] }],
      ['deep', { pairs: [['{}[a][b][c][d][e][f][g]', 'x']] }], ['key-bad-utf8', { pairs: [['{}[%FF%FE]', 'x']] }],
      ['key-nul', { pairs: [['{}[a%00b]', 'x']] }], ['key-sql', { pairs: [[`{}[${encodeURIComponent(SQL)}]`, 'x']] }],
      ['unknown-key', { obj: [...entries, ['zz_unknown', { s: 'x' }]] }],
      ['many-keys', { pairs: Array.from({ length: 5000 }, (_, i) => [`{}[k${i}]`, 'x']) }]);
    entries.forEach(([k, n], i) => {
      const sub = type.kind === 'struct' ? type.fields[i].type : type.value;
      for (const [l, v] of formVariants(sub, n, long && i === 0)) {
        out.push([`[${k}]:${l}`, { obj: entries.map(([k2, n2]) => [k2, k2 === k ? v : n2]).filter(([, x]) => x !== undefined) }]);
      }
    });
    return out;
  }
  out.push(['array', { pairs: [['{}[]', '1']] }], ['map', { pairs: [['{}[a]', '1']] }],
    ['dup', { pairs: [['{}', enc(base.s ?? 'a')], ['{}', 'b']] }], ['bad-utf8', { raw: '%FF%FE' }],
    ['bad-escape', { raw: '%G1%' }]);
  for (const [l, s] of STRINGS) out.push([l, { s }]);
  if (long) out.push([`long-${long.label}`, { s: 'a'.repeat(long.size) }]);
  return out;
}

/** JSON variants of one field: [label, node]. */
function jsonVariants(type, base, long) {
  const out = [['missing', undefined], ['null', { s: null }], ['array', { list: [base ?? { s: 1 }] }], ['object', { obj: [] }]];
  if (type.kind === 'vec') {
    out.push(['empty-list', { list: [] }], ['scalar', { s: 'abc' }]);
    for (const [l, n] of jsonVariants(type.inner, base?.list?.[0], long).slice(1)) out.push([`[0]:${l}`, { list: [n] }]);
    return out;
  }
  if (type.kind === 'struct' || type.kind === 'map') {
    const entries = base?.obj ?? [];
    out.push(['scalar', { s: 'abc' }], ['unknown-key', { obj: [...entries, ['zz_unknown', { s: 1 }]] }]);
    entries.forEach(([k, n], i) => {
      const sub = type.kind === 'struct' ? type.fields[i].type : type.value;
      for (const [l, v] of jsonVariants(sub, n, long && i === 0)) {
        out.push([`.${k}:${l}`, { obj: entries.map(([k2, n2]) => [k2, k2 === k ? v : n2]).filter(([, x]) => x !== undefined) }]);
      }
    });
    return out;
  }
  const numeric = ['int', 'float'].includes(type.kind);
  out.push(['wrong-type', numeric || type.kind === 'bool' ? { s: 'abc' } : { s: 123 }], ['bool', { s: true }],
    ['bad-utf8', { bytes: [0x61, 0xff, 0xfe, 0x62] }], ['lone-surrogate', { raw: '"\\ud800"' }]);
  for (const [l, s] of STRINGS) out.push([l, { s }]);
  for (const [l, r] of RAW_NUMBERS) out.push([l, { raw: r }]);
  if (long) out.push([`long-${long.label}`, { s: 'a'.repeat(long.size) }]);
  return out;
}

// ───────────────────────────── encoding ─────────────────────────────

const enc = (s) => encodeURIComponent(s);
const encKey = (k) => enc(k).replace(/%5B/gi, '[').replace(/%5D/gi, ']');

function toForm(name, node) {
  if (node === undefined) return [];
  if (node.pairs) return node.pairs.map(([k, v]) => [k.replace('{}', encKey(name)), v]);
  if ('raw' in node) return [[encKey(name), node.raw]];
  if (node.list) return node.list.flatMap((n, i) => toForm(`${name}[${i}]`, n));
  if (node.obj) return node.obj.flatMap(([k, n]) => toForm(`${name}[${k}]`, n));
  return [[encKey(name), node.s === null ? '' : enc(String(node.s))]];
}
const formString = (fields) => fields.flatMap(([name, node]) => toForm(name, node)).map(([k, v]) => `${k}=${v}`).join('&');

/** JSON text as pieces: strings, or raw byte arrays (invalid UTF-8 on purpose). */
function toJson(node) {
  if (node === undefined) return [];
  if (node.bytes) return ['"', Uint8Array.from(node.bytes), '"'];
  if ('raw' in node) return [node.raw];
  if (node.list) return ['[', ...node.list.flatMap((n, i) => (i ? [',', ...toJson(n)] : toJson(n))), ']'];
  if (node.obj) {
    const items = node.obj.filter(([, n]) => n !== undefined);
    return ['{', ...items.flatMap(([k, n], i) => [i ? ',' : '', JSON.stringify(k), ':', ...toJson(n)]), '}'];
  }
  return [JSON.stringify(node.s)];
}
function jsonBytes(node) {
  const te = new TextEncoder();
  const parts = toJson(node).map((p) => (typeof p === 'string' ? te.encode(p) : p));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

// ───────────────────────────── HTTP ─────────────────────────────

const sessions = [];        // {name, cookies: Map}
const results = [];         // every request's outcome
const baselineStatus = new Map(); // `${fnPath}|${session}` → status

const cookieHeader = (s) => [...(s?.cookies ?? new Map())].map(([k, v]) => `${k}=${v}`).join('; ');

/**
 * Sends one request and records it. `kind` groups the histogram; `tolerateReset`: the server may
 * close the connection instead of reading a body it refuses as too large (not a crash).
 */
async function send({ method, path: p, query = '', headers = {}, body, session, variant, tolerateReset = false }) {
  const url = BASE_URL + p + (query ? `?${query}` : '');
  const h = { origin: BASE_URL, 'sec-fetch-site': 'same-origin', accept: 'application/json', ...headers };
  const cookie = cookieHeader(session);
  if (cookie) h.cookie = cookie;
  const r = { method, path: p, session: session?.name ?? 'anonymous', variant, status: null, body: '' };
  try {
    const go = () => fetch(url, { method, headers: h, body, redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) });
    // A kept-alive connection the server closed as it was reused fails with EPIPE/ECONNRESET
    // before the server saw the request: tried once more on a new connection. A server that
    // really drops requests fails again and is reported.
    const res = await go().catch((e) => (/EPIPE|ECONNRESET|UND_ERR_SOCKET/.test(String(e?.cause?.code ?? '')) ? go() : Promise.reject(e)));
    r.text = await res.text();
    r.status = res.status;
    r.body = r.text.slice(0, 200);
    r.res = res;
  } catch (e) {
    const timeout = e?.name === 'TimeoutError' || e?.name === 'AbortError';
    const cause = e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(e);
    r.status = timeout ? 'timeout' : tolerateReset ? 'reset(oversize)' : 'conn-error';
    r.body = timeout ? `no answer within ${TIMEOUT_MS} ms` : String(cause).slice(0, 200);
  }
  results.push({ method: r.method, path: r.path, session: r.session, variant: r.variant, status: r.status, body: r.body });
  refusedRun = refused(r) ? refusedRun + 1 : 0;
  if (refusedRun >= 30 && !serverDown) { serverDown = true; log('the server refuses connections: stopping'); }
  return r;
}

const isServerError = (s) => s === 'timeout' || s === 'conn-error' || (typeof s === 'number' && s >= 500);
const refused = (r) => r.status === 'conn-error' && /ECONNREFUSED/.test(r.body);
// Once the server stops accepting connections nothing more is learnt: stop instead of piling up refusals.
let serverDown = false, refusedRun = 0;

/** Runs thunks with at most `n` in flight; `budget`: thunks not started by the deadline are skipped. */
async function pool(thunks, n = CONCURRENCY, budget = false) {
  let next = 0, skipped = 0;
  const worker = async () => {
    while (next < thunks.length) {
      const t = thunks[next++];
      if (serverDown || (budget && Date.now() - STARTED > BUDGET_MS)) { skipped++; continue; }
      try { await t(); } catch (e) { log('internal error:', e?.stack ?? e); }
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, thunks.length) }, worker));
  return skipped;
}

function parseJson(text) { try { return JSON.parse(text); } catch { return undefined; } }

// ───────────────────────────── server functions ─────────────────────────────

/** Sends a server function with the given argument nodes (form/query or JSON, per its codec). */
function callFn(fn, fields, session, variant, extra = {}) {
  const req = { method: fn.method, path: fn.path, session, variant, ...extra };
  if (fn.enc === 'json') {
    req.headers = { 'content-type': 'application/json' };
    req.body = jsonBytes({ obj: fields });
  } else if (fn.enc === 'query') {
    req.query = formString(fields);
  } else {
    req.headers = { 'content-type': 'application/x-www-form-urlencoded' };
    req.body = formString(fields);
  }
  return send({ ...req, ...extra, headers: { ...req.headers, ...extra.headers } });
}

const baselineFields = (fn, session) =>
  fn.args.map((a) => [a.name, plausible(a.type, { scope: fn.endpoint, name: a.name, json: fn.enc === 'json' }, session.name === 'anonymous' ? '*' : session.name)]);

async function baseline(fn, session) {
  const r = await callFn(fn, baselineFields(fn, session), session.name === 'anonymous' ? null : session, 'baseline');
  baselineStatus.set(`${fn.path}|${session.name}`, r.status);
  if (typeof r.status === 'number' && r.status < 300) {
    const v = parseJson(r.text);
    if (v !== undefined) harvest(session.name, fn.endpoint, v);
  }
  return r;
}

/** One or two sessions for the variants: those the baseline got furthest with. */
function variantSessions(fn) {
  const st = (s) => baselineStatus.get(`${fn.path}|${s.name}`);
  const ok = sessions.filter((s) => typeof st(s) === 'number' && st(s) < 400);
  const allowed = sessions.filter((s) => ![401, 403].includes(st(s)));
  const chosen = [...new Set([...ok, ...allowed])].slice(0, 2);
  return chosen.length ? chosen : sessions.slice(0, 2);
}

function fnVariantThunks(fn) {
  const thunks = [];
  variantSessions(fn).forEach((session, si) => {
    const sess = session.name === 'anonymous' ? null : session;
    const first = si === 0; // the big bodies once per function
    const base = baselineFields(fn, session);
    const long = first ? (fn.enc === 'query' ? { label: '60KB', size: 60_000 } : { label: '1MB', size: 1_000_000 }) : null;
    let longUsed = false;
    base.forEach(([name], i) => {
      const arg = fn.args[i];
      const isText = ['string', 'opaque', 'map', 'vec', 'struct'].includes(arg.type.kind);
      const useLong = long && !longUsed && isText;
      if (useLong) longUsed = true;
      const vs = fn.enc === 'json' ? jsonVariants(arg.type, base[i][1], useLong && long) : formVariants(arg.type, base[i][1], useLong && long);
      // A fresh baseline per request: new idempotency keys, ids found meanwhile.
      for (const [label, node] of vs) {
        thunks.push(() => callFn(fn, baselineFields(fn, session).map(([n, v], j) => [n, j === i ? node : v]), sess, `${name}:${label}`));
      }
    });
    if (!first) return;
    // Whole-request variants, once per function.
    const ct = (t) => ({ headers: { 'content-type': t } });
    if (fn.method === 'GET') {
      // A URL past hyper's 64 KB limit, and the 3 MB body every function gets (refused on its length).
      thunks.push(() => send({ method: 'GET', path: fn.path, query: `a=${'a'.repeat(200_000)}`, session: sess, variant: 'oversize-url', tolerateReset: true }));
      thunks.push(() => send({ method: 'POST', path: fn.path, body: `a=${'a'.repeat(3 * 1024 * 1024)}`, session: sess,
        variant: 'oversize-body', tolerateReset: true, ...ct('application/x-www-form-urlencoded') }));
      thunks.push(() => send({ method: 'POST', path: fn.path, body: formString(base), session: sess, variant: 'wrong-method',
        headers: { 'content-type': 'application/x-www-form-urlencoded' } }));
      thunks.push(() => send({ method: 'GET', path: fn.path, query: '%FF=%FE&&=&a[=1&[]=&a]]=1', session: sess, variant: 'broken-query' }));
    } else {
      thunks.push(() => send({ method: fn.method, path: fn.path, body: `a=${'a'.repeat(3 * 1024 * 1024)}`, session: sess,
        variant: 'oversize-body', tolerateReset: true, ...ct('application/x-www-form-urlencoded') }));
      thunks.push(() => send({ method: 'GET', path: fn.path, query: formString(base), session: sess, variant: 'wrong-method' }));
      thunks.push(() => send({ method: fn.method, path: fn.path, body: '{"a":1}', session: sess, variant: 'json-content-type', ...ct('application/json') }));
      thunks.push(() => send({ method: fn.method, path: fn.path, body: formString(base), session: sess, variant: 'no-content-type', ...ct('') }));
      thunks.push(() => send({ method: fn.method, path: fn.path, body: '%FF=%FE&&=&a[=1&[]=&a]]=1', session: sess, variant: 'broken-form',
        ...ct('application/x-www-form-urlencoded') }));
      thunks.push(() => send({ method: fn.method, path: fn.path, session: sess, variant: 'no-body', ...ct('application/x-www-form-urlencoded') }));
    }
    // The edge parses any JSON body: nesting must not overflow its stack.
    thunks.push(() => send({ method: 'POST', path: fn.path, body: '['.repeat(100_000) + ']'.repeat(100_000), session: sess,
      variant: 'json-deep', ...ct('application/json') }));
  });
  return thunks;
}

// ───────────────────────────── sessions ─────────────────────────────

const DEMO = demoStaff();
// One account per role, those with a commune first (they see the demo ward's data).
const STAFF = (() => {
  const byRole = new Map();
  for (const s of [...DEMO.staff].sort((a, b) => b.commune - a.commune)) if (!byRole.has(s.role)) byRole.set(s.role, s.username);
  const list = [...byRole.values()];
  return list.length ? list : ['tinh.quantri', 'quynhon.quantri', 'quynhon.hotich', 'quynhon.motcua', 'quynhon.ctv'];
})();
// The login function's baseline signs in someone who is not one of the sessions.
const LOGIN_TARGET = DEMO.staff.map((s) => s.username).find((u) => !STAFF.includes(u)) ?? 'khong.co.ai';

// The session cookie's name (app/src/identity/authz.rs SESSION_COOKIE).
const SESSION_COOKIE = 'phucvu_session';

function takeCookies(session, res) {
  for (const c of res?.headers?.getSetCookie?.() ?? []) {
    const [pair] = c.split(';');
    const i = pair.indexOf('=');
    if (i > 0) session.cookies.set(pair.slice(0, i).trim(), pair.slice(i + 1).trim());
  }
}

async function signIn(fnByName) {
  sessions.push({ name: 'anonymous', cookies: new Map() });
  const loginPath = fnByName.get('login')?.path ?? '/api/login';
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  // Staff first, one at a time: failed logins are throttled per address.
  for (const username of STAFF) {
    const s = { name: username, cookies: new Map() };
    const r = await send({ method: 'POST', path: loginPath, headers: form, session: null, variant: `sign in ${username}`,
      body: `username=${enc(username)}&password=${enc(DEMO.password)}` });
    takeCookies(s, r.res);
    if (s.cookies.get(SESSION_COOKIE)) sessions.push(s);
    else log(`could not sign in as ${username} (${r.status}): ${r.body}`);
  }
  // A citizen, through the one-time code and the developer inbox (PHUCVU_DEV_INBOX=1).
  const phone = '09' + String(Math.floor(Math.random() * 1e8)).padStart(8, '0');
  const rc = await send({ method: 'POST', path: fnByName.get('request_code')?.path ?? '/api/request_code', headers: form,
    body: `phone=${phone}`, session: null, variant: 'sign in citizen' });
  let code;
  for (let i = 0; i < 20 && rc.status < 400 && !code; i++) {
    await new Promise((ok) => setTimeout(ok, 300));
    const inbox = await send({ method: 'POST', path: fnByName.get('dev_inbox')?.path ?? '/api/dev_inbox', headers: form,
      body: '', session: null, variant: 'sign in citizen (inbox)' });
    const msgs = parseJson(inbox.text);
    if (!Array.isArray(msgs)) break;
    const m = msgs.find((x) => String(x.recipient).replace(/\D/g, '').endsWith(phone.slice(1)));
    code = m?.body?.match(/\b(\d{6})\b/)?.[1];
  }
  if (code) {
    const s = { name: 'citizen', cookies: new Map() };
    const r = await send({ method: 'POST', path: fnByName.get('verify_code')?.path ?? '/api/verify_code', headers: form,
      body: `phone=${phone}&code=${code}`, session: null, variant: 'sign in citizen (code)' });
    takeCookies(s, r.res);
    if (s.cookies.get(SESSION_COOKIE)) sessions.splice(1, 0, s);
  }
  if (!sessions.some((s) => s.name === 'citizen')) log(`no citizen session (request_code ${rc.status}); fuzzing without one`);
}

// ───────────────────────────── /api/v1 ─────────────────────────────

const keys = {}; // security scheme → a real key minted through the admin server functions

/** Real API keys: a queue device key and a facility key, created as an administrator. */
async function mintKeys(fnByName) {
  const admins = sessions.filter((s) => /quantri/.test(s.name)).concat(sessions.filter((s) => s.name !== 'anonymous'));
  const mint = async (fnName, scheme, fields) => {
    const fn = fnByName.get(fnName);
    if (!fn?.path) return;
    for (const s of admins) {
      const r = await callFn(fn, fields(s), s, 'mint key');
      const v = parseJson(r.text ?? '');
      if (r.status === 200 && typeof v === 'string') { keys[scheme] = v; return; }
    }
  };
  await mint('setup_device', 'device_key', (s) => [['office', { s: pooled(s.name, ['office_id']) ?? uuid() }], ['device_name', { s: `Máy lấy số ${RUN}` }]]);
  await mint('create_facility_key', 'facility_key', (s) => [['facility', { s: pooled(s.name, ['facility_keys:agency_id']) ?? uuid() }], ['name', { s: `Phần mềm bệnh viện ${RUN}` }]]);
}

function apiBaseline(op) {
  const scope = op.path;
  const params = {};
  for (const p of op.params) params[p.name] = plausible(p.type, { scope, name: p.name }, '*');
  const body = op.body ? plausible(op.body, { scope, name: 'body', json: true }, '*') : undefined;
  return { params, body };
}

function apiSend(op, { params, body, auth, variant, contentType, rawBody, tolerateReset, extraQuery }) {
  let p = op.path;
  const query = [];
  for (const prm of op.params) {
    const node = params[prm.name];
    if (prm.in === 'path') {
      const v = node === undefined ? '' : node.pairs ? 'x' : 'raw' in node ? node.raw : enc(String(node.s ?? ''));
      p = p.replace(`{${prm.name}}`, v);
    } else if (prm.in === 'query' && node !== undefined) {
      query.push(...toForm(prm.name, node).map(([k, v]) => `${k}=${v}`));
    }
  }
  if (extraQuery) query.push(extraQuery);
  const headers = {};
  if (auth) headers.authorization = auth;
  let data = rawBody;
  if (data === undefined && op.body && body !== undefined) data = jsonBytes(body);
  if (data !== undefined) headers['content-type'] = contentType ?? 'application/json';
  return send({ method: op.method, path: p, query: query.join('&'), headers, body: data, session: null, variant, tolerateReset });
}

function apiAuth(op) {
  const scheme = op.security.find((s) => keys[s]);
  return scheme ? `Bearer ${keys[scheme]}` : op.security.length ? 'Bearer pv_junk_key' : undefined;
}

async function apiBaselines(ops) {
  // Writes first: the tickets and births they create are what the reads then look up.
  const order = [...ops].sort((a, b) => (a.method === 'GET') - (b.method === 'GET') || a.path.split('{').length - b.path.split('{').length);
  for (const op of order) {
    const { params, body } = apiBaseline(op);
    const r = await apiSend(op, { params, body, auth: apiAuth(op), variant: 'baseline' });
    if (typeof r.status === 'number' && r.status < 300) { const v = parseJson(r.text); if (v !== undefined) harvest('*', op.path, v); }
  }
}

function apiVariantThunks(op) {
  const thunks = [];
  const { params, body } = apiBaseline(op);
  const auth = apiAuth(op);
  const go = (o) => () => apiSend(op, { params, body, auth, ...o });
  if (op.security.length) {
    for (const [l, a] of [['no-key', undefined], ['junk-key', 'Bearer pv_junk_key'], ['long-key', `Bearer ${'k'.repeat(101)}`],
      ['empty-bearer', 'Bearer '], ['basic', 'Basic Zm9vOmJhcg=='], ['key-sql', `Bearer ${SQL}`]]) thunks.push(go({ auth: a, variant: `auth:${l}` }));
  }
  for (const prm of op.params) {
    const vs = formVariants({ kind: 'string' }, params[prm.name] ?? { s: 'x' }, { label: '60KB', size: 60_000 })
      .filter(([l]) => prm.in === 'query' || !['dup', 'array', 'map'].includes(l));
    // `%2E%2E`: fetch would resolve a literal `..` before sending.
    if (prm.in === 'path') vs.push(['dotdot', { raw: '%2E%2E' }], ['slash', { raw: '%2F' }], ['nul-raw', { raw: '%00' }]);
    for (const [l, node] of vs) thunks.push(go({ params: { ...params, [prm.name]: node }, variant: `${prm.in}.${prm.name}:${l}` }));
  }
  if (op.body) {
    for (const [l, node] of jsonVariants(op.body, body, { label: '1MB', size: 900_000 }).slice(1)) {
      thunks.push(go({ body: node, variant: `body${l.startsWith('.') ? '' : ':'}${l}` }));
    }
    const raw = (l, rawBody, contentType, extra = {}) => thunks.push(go({ rawBody, contentType, variant: `body:${l}`, ...extra }));
    raw('malformed', '{"a":', 'application/json');
    raw('empty', '', 'application/json');
    raw('list', '[]', 'application/json');
    raw('string', '"x"', 'application/json');
    raw('null', 'null', 'application/json');
    raw('empty-object', '{}', 'application/json');
    raw('deep', '['.repeat(100_000) + ']'.repeat(100_000), 'application/json');
    raw('text-plain', new TextDecoder().decode(jsonBytes(body)), 'text/plain');
    raw('form', 'a=1&b[c]=2', 'application/x-www-form-urlencoded');
    raw('json-charset', new TextDecoder().decode(jsonBytes(body)), 'application/json; charset=latin1');
    raw('oversize', `{"a":"${'a'.repeat(3 * 1024 * 1024)}"}`, 'application/json', { tolerateReset: true });
  } else if (op.method === 'GET') {
    thunks.push(go({ extraQuery: `zz=${'a'.repeat(200_000)}`, variant: 'oversize-url', tolerateReset: true }));
  }
  return thunks;
}

// ───────────────────────────── main ─────────────────────────────

function printList({ fns, problems, attributes, argAttributes }, ops, apiError) {
  const callable = fns.filter((f) => f.path && !NEVER_CALL.has(f.endpoint));
  for (const f of fns) {
    const args = f.args.map((a) => `${a.name}: ${a.rust} [${typeLabel(a.type)}]`).join(', ');
    const note = !f.path ? '  (skipped: no endpoint)' : NEVER_CALL.has(f.endpoint) ? '  (skipped: never called)' : '';
    console.log(`${f.method.padEnd(4)} ${(f.path ?? '?').padEnd(28)} ${f.enc.padEnd(5)} ${f.name}(${args})${note}  ${f.file}`);
  }
  const opaque = [...new Set(fns.flatMap((f) => f.args.filter((a) => JSON.stringify(a.type).includes('"opaque"')).map((a) => `${f.name}.${a.name}: ${a.rust}`)))];
  const onArgs = argAttributes ? `, ${argAttributes} of them #[server(default)] on arguments` : '';
  console.log(`\n${fns.length} server functions parsed from ${attributes} #[server attributes in app/src${onArgs} (${callable.length} fuzzed)`);
  if (opaque.length) console.log(`opaque argument types: ${opaque.join('; ')}`);
  for (const p of problems) console.log(`note: ${p}`);
  if (apiError) console.log(`\n/api/v1: skipped (${apiError})`);
  else {
    console.log(`\n${ops.length} /api/v1 operations from ${BASE_URL}/api/openapi.json:`);
    for (const op of ops) {
      const ps = op.params.map((p) => `${p.in}.${p.name}: ${typeLabel(p.type)}`).join(', ');
      console.log(`${op.method.padEnd(4)} ${op.path}  ${ps}${op.body ? `  body ${typeLabel(op.body)}` : ''}${op.security.length ? `  auth ${op.security.join('|')}` : ''}`);
    }
  }
  console.log(`\nsessions: anonymous, citizen (one-time code via dev inbox), ${STAFF.join(', ')}`);
}

const short = (p) => (p.length > 90 ? `${p.slice(0, 60)}…(${p.length} chars)` : p);

function report(skipped) {
  const hist = new Map();
  for (const r of results) {
    if (!hist.has(r.status)) hist.set(r.status, new Map());
    const ep = `${r.method} ${short(r.path)}`;
    hist.get(r.status).set(ep, (hist.get(r.status).get(ep) ?? 0) + 1);
  }
  const order = [...hist.keys()].sort((a, b) => (typeof a === 'number' ? a : 1e4) - (typeof b === 'number' ? b : 1e4) || String(a).localeCompare(String(b)));
  console.log('status histogram:');
  for (const s of order) {
    const eps = [...hist.get(s)].sort((a, b) => b[1] - a[1]);
    const n = eps.reduce((t, [, c]) => t + c, 0);
    console.log(`  ${String(s).padStart(4)}  ${String(n).padStart(6)}   ${eps.slice(0, 3).map(([e, c]) => `${e} (${c})`).join(', ')}`);
  }
  const bad = results.filter((r) => isServerError(r.status));
  if (bad.length) {
    console.log(`\nserver errors:`);
    // Refused connections mean the server is gone: the requests just before the first one are the suspects.
    let refusals = 0;
    for (const r of bad) {
      if (refused(r) && ++refusals > 10) continue;
      console.log(`  ${r.status} ${r.method} ${short(r.path)} [${r.session}] ${r.variant}: ${JSON.stringify(r.body)}`);
    }
    if (refusals > 10) console.log(`  … and ${refusals - 10} more refused connections (the server went down; see the errors above the first refusal)`);
  }
  if (serverDown) console.log(`\nnote: the server stopped accepting connections; ${skipped} requests not sent`);
  else if (skipped) console.log(`\nnote: time budget (${BUDGET_MS / 1000} s) reached, ${skipped} variants not sent (FUZZ_BUDGET_S raises it)`);
  console.log(`fuzz: ${results.length} requests, ${bad.length} server errors`);
  return bad.length;
}

async function main() {
  const discovered = discoverServerFns();
  const { fns, problems } = discovered;
  const fnByName = new Map(fns.filter((f) => f.endpoint).map((f) => [f.endpoint, f]));
  let ops = [], apiError = null;
  if (LIST_ONLY) {
    try { ops = await discoverApi(); } catch (e) { apiError = `server unreachable at ${BASE_URL}: ${e?.cause?.code ?? e.message}`; }
    printList(discovered, ops, apiError);
    return 0;
  }
  for (const p of problems) log(p);
  const callable = fns.filter((f) => f.path && !NEVER_CALL.has(f.endpoint));

  // 1. Sessions before anything else (failed logins of the fuzzing are throttled per address).
  await signIn(fnByName);
  try { ops = await discoverApi(); } catch (e) {
    results.push({ method: 'GET', path: '/api/openapi.json', session: 'anonymous', variant: 'discovery', status: 'conn-error', body: String(e.message).slice(0, 200) });
  }
  log(`${callable.length} server functions, ${ops.length} /api/v1 operations, sessions: ${sessions.map((s) => s.name).join(', ')}`);

  // 2. Baselines. Reads twice (the second pass uses ids the first one found), then writes.
  const reads = callable.filter((f) => f.method === 'GET').sort((a, b) => a.args.length - b.args.length);
  const writes = callable.filter((f) => f.method !== 'GET');
  for (let pass = 0; pass < 2; pass++) await pool(reads.flatMap((f) => sessions.map((s) => () => baseline(f, s))));
  await pool(writes.flatMap((f) => sessions.map((s) => () => baseline(f, s))));
  log(`baselines done: ${results.length} requests, ${((Date.now() - STARTED) / 1000).toFixed(0)} s`);

  // 3. /api/v1, with real keys when the admin functions hand one out (before any revocation).
  await mintKeys(fnByName);
  await apiBaselines(ops);
  const apiSkipped = await pool(ops.flatMap(apiVariantThunks), CONCURRENCY, true);
  log(`/api/v1 done (keys: ${Object.keys(keys).join(', ') || 'none'}): ${results.length} requests`);

  // 4. Server function variants, interleaved so a time cut spreads over all functions.
  const perFn = callable.map(fnVariantThunks);
  const interleaved = [];
  for (let i = 0; perFn.some((t) => i < t.length); i++) for (const t of perFn) if (i < t.length) interleaved.push(t[i]);
  const fnSkipped = await pool(interleaved, CONCURRENCY, true);
  log(`done in ${((Date.now() - STARTED) / 1000).toFixed(0)} s`);
  return report(apiSkipped + fnSkipped) > 0 ? 1 : 0;
}

main().then((code) => process.exit(code), (e) => {
  console.error(e?.stack ?? e);
  console.log(`fuzz: ${results.length} requests, ${results.filter((r) => isServerError(r.status)).length + 1} server errors`);
  process.exit(1);
});
