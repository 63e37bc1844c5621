#!/usr/bin/env bash
# Prints the project's figures, one per line: `name: value unit`.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/site/pkg/phucvu.wasm.br ] || scripts/build.sh >&2
kb() { echo "$1" | awk '{printf "%.1f", $1/1024}'; }
size() { stat -c %s "$1"; }
pkg=target/site/pkg
# What a citizen's first page (/) loads besides the HTML: the hydration JS, the main wasm and the
# loader of the split chunks, brotli-compressed. Chunks of lazy routes load only when opened.
first=$(( $(size $pkg/phucvu.js.br) + $(size $pkg/phucvu.wasm.br) ))
for f in $pkg/__wasm_split*.js.br; do [ -f "$f" ] && first=$(( first + $(size "$f") )); done
chunks=0
for f in $pkg/chunk_*.wasm.br; do [ -f "$f" ] && chunks=$(( chunks + $(size "$f") )); done
echo "first_page_js_wasm_br_kb: $(kb $first) KB"
echo "first_page_css_br_kb: $(kb "$(size $pkg/phucvu.css.br)") KB"
echo "lazy_chunks_br_kb: $(kb $chunks) KB"
echo "wasm_raw_kb: $(kb "$(size $pkg/phucvu.wasm)") KB"

# Load figures: a private cluster and two instances, so a call on one must reach the board
# stream of the other (LISTEN/NOTIFY). Logs are truncated per run and the instances are always
# stopped: one left running unattended once grew its log to 65 GB.
export PHUCVU_PG_DIR=target/pg-bench PHUCVU_PG_PORT=54349 PHUCVU_PG_FAST=1
pid_a="" pid_b=""
stop() { # TERM, then KILL if graceful shutdown hangs (open event streams)
  [ -n "$1" ] && kill "$1" 2>/dev/null || return 0
  for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$1" 2>/dev/null || true
}
cleanup() { stop "$pid_a"; stop "$pid_b"; target/release/server db-stop >/dev/null 2>&1 || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
for port in 3201 3202; do
  if curl -fs "http://127.0.0.1:$port/healthz" >/dev/null; then echo "port $port is already serving" >&2; exit 1; fi
done
db_url=$(target/release/server db-start | tail -n 1)
bench_db="${db_url%/*}/phucvu_bench"
psql "${db_url%/*}/postgres" -q -c 'drop database if exists phucvu_bench with (force)' -c 'create database phucvu_bench'
serve() {
  DATABASE_URL="$bench_db" LEPTOS_SITE_ADDR="127.0.0.1:$1" PHUCVU_DEMO_DATA=1 LEPTOS_SITE_ROOT=target/site \
    RUST_LOG=warn target/release/server > "target/bench-$1.log" 2>&1 &
}
healthy() { # port, pid; the first start applies migrations and demo data
  for _ in $(seq 600); do
    curl -fs "http://127.0.0.1:$1/healthz" >/dev/null && return 0
    kill -0 "$2" 2>/dev/null || break
    sleep 0.2
  done
  echo "instance :$1 did not start; see target/bench-$1.log" >&2; return 1
}
serve 3201; pid_a=$!; healthy 3201 "$pid_a"
serve 3202; pid_b=$!; healthy 3202 "$pid_b"
q() { psql "$bench_db" -qtA -v ON_ERROR_STOP=1 "$@"; }
# 100,000 bookings on every office and offered procedure, each working-day slot from 90 days
# ago to the booking horizon (~2 per slot), with their slot counts. Capacity goes to 100 so the
# booking phase always finds room. Codes contain 0, which real codes never do.
q >&2 <<'SQL'
update office_procedure set capacity_per_slot = 100;
create temp table s as
  select row_number() over () - 1 as n, op.office_id, op.procedure_code, d as local_day,
         (d + t) - interval '7 hours' as utc_start
  from office_procedure op,
       generate_series(-90, 14) k,
       lateral (select (now() at time zone 'UTC' + interval '7 hours')::date + k as d) day,
       unnest('{07:30,08:00,08:30,09:00,09:30,10:00,10:30,11:00,13:30,14:00,14:30,15:00,15:30,16:00,16:30}'::time[]) t
  where extract(isodow from d) < 6;
insert into booking (code, office_id, procedure_code, starts_at, local_day, citizen_name, phone, channel, idempotency_key)
  select 'X0' || lpad(to_hex(i), 6, '0'), s.office_id, s.procedure_code, s.utc_start at time zone 'UTC', s.local_day,
         'Load ' || i, '09' || lpad(i::text, 8, '0'), 'hotline', gen_random_uuid()
  from generate_series(0, 99999) i join s on s.n = i % (select count(*) from s);
insert into booking_slot (office_id, procedure_code, starts_at, booked)
  select office_id, procedure_code, starts_at, count(*) from booking group by 1, 2, 3;
analyze booking; analyze booking_slot;
SQL
office=$(q -c "select office_id from office where name = 'Trung tâm Phục vụ hành chính công phường Quy Nhơn'")
counter=$(q -c "select counter_id from counter where office_id = '$office' and number = 1")
BENCH_A=http://127.0.0.1:3201 BENCH_B=http://127.0.0.1:3202 BENCH_OFFICE="$office" BENCH_COUNTER="$counter" \
  node scripts/bench-queue.mjs

# The hotline's exchange: signed call events as fast as the two instances take them.
pbx_secret=bench-pbx-$RANDOM$RANDOM
pbx=$(q -c "insert into pbx_exchange (name, vendor, secret) values ('Bench', 'generic', '$pbx_secret') returning exchange_id")
BENCH_A=http://127.0.0.1:3201 BENCH_B=http://127.0.0.1:3202 BENCH_EXCHANGE="$pbx" BENCH_SECRET="$pbx_secret" \
  RUST_LOG=warn target/release/server pbx-load

# Evaluation: 1,000,000 rated transactions over the last year in every commune of the province
# (one office, three counters and three officials each), loaded with the trigger off and the
# monthly sums rebuilt once, as a bulk import would. Then the ranking queries, timed over HTTP.
q >&2 <<'SQL'
insert into agency (code, name, kind, province_code, commune_code)
  select 'BENCH.' || c.commune_code, 'UBND ' || c.name, 'commune_committee', c.province_code, c.commune_code
  from commune c where c.province_code = '52'
    and not exists (select 1 from agency a where a.commune_code = c.commune_code);
insert into office (agency_id, name, address, commune_code)
  select a.agency_id, 'Bộ phận Một cửa ' || c.name, c.name, c.commune_code
  from agency a join commune c using (commune_code) where a.code like 'BENCH.%';
insert into counter (office_id, number, name)
  select o.office_id, n, 'Quầy ' || n from office o join agency a using (agency_id), generate_series(1, 3) n
  where a.code like 'BENCH.%';
insert into app_user (role, display_name, username, password_hash, agency_id, jurisdiction_province_code, jurisdiction_commune_code)
  select 'counter_officer', 'Cán bộ ' || k.number || ' ' || o.name, 'bench.' || replace(k.counter_id::text, '-', ''),
         '$argon2id$bench-no-login', o.agency_id, '52', o.commune_code
  from counter k join office o using (office_id) join agency a using (agency_id) where a.code like 'BENCH.%';
create temp table desk as
  select row_number() over () - 1 as n, k.office_id, k.counter_id,
         (select u.user_id from app_user u where u.username = 'bench.' || replace(k.counter_id::text, '-', '')) as official_id
  from counter k;
alter table service_evaluation disable trigger service_evaluation_month;
insert into service_evaluation (subject_kind, subject_id, office_id, counter_id, official_id, procedure_code, label,
                                received_on, service_day, criteria_set_id, rating_token, token_expires_at, points,
                                score_percent, waited_minutes, rated_at, overall, items, rating_channel, complaint)
  select 'ticket', gen_random_uuid(), d.office_id, d.counter_id, d.official_id, '1.001193', 'A-' || (i % 999 + 1),
         day, day, (select criteria_set_id from criteria_set order by effective_from limit 1),
         md5(i::text || random()::text), now() + interval '7 days',
         array[null, null, null, 1, null, null, 1 + (i % 3 = 0)::int, r / 3, (r + 1) / 3]::smallint[],
         100.0 * (1 + 1 + (i % 3 = 0)::int + r / 3 + (r + 1) / 3) / 8, i % 40, day + time '09:00', r,
         array[r, r, null, r, r]::smallint[], 'phone', r = 1
  from generate_series(0::int8, 999999) i
  join desk d on d.n = i % (select count(*) from desk)
  cross join lateral (select (current_date - (i % 365)::int)::date as day, (1 + (i * 7919 % 100 > 8)::int + (i * 7919 % 100 > 25)::int
                              + (i * 7919 % 100 > 55)::int + (i * 7919 % 100 > 80)::int)::smallint as r) x;
alter table service_evaluation enable trigger service_evaluation_month;
select evaluation_month_rebuild();
analyze service_evaluation; analyze evaluation_month;
SQL
BENCH_A=http://127.0.0.1:3201 node scripts/bench-evaluation.mjs

# Civil-registration work queue: 200,000 dossiers over the last three years, inserted directly as
# a bulk import would, all in quynhon.hotich's commune: the worst case, the whole load in the
# measured official's queue. Most are done (delivered or awaiting pick-up); the few still open
# were received in the last week, as in a commune that keeps up, so the overdue list stays
# plausible. The per-row fields come from slices of md5(i): deterministic, and independent of
# each other unlike i % n. VACUUM, not ANALYZE alone: the per-list counts are index-only scans,
# which need the visibility map.
q >&2 <<'SQL'
insert into dossier (code, kind, agency_id, commune_code, channel, proactive, status, event_date, late,
                     received_at, due_on, version, subject_name, created_at, updated_at)
  select 'BENCH-' || lpad(i::text, 7, '0'), kd, committee.agency_id, '21583', ch, ch in ('hospital', 'collector'),
         st, day - s4 % 30 - case when lt then 90 + s4 % 300 else 0 end, lt,
         rcv, day + s3 / 1096 % 6, 1, 'Người ' || i, rcv, rcv
  from generate_series(1, 200000) i
  cross join (select agency_id from agency where commune_code = '21583' and kind = 'commune_committee'
              order by created_at limit 1) committee
  cross join lateral (select md5(i::text) as m) h
  cross join lateral (select ('x' || substr(m, 1, 7))::bit(28)::int as s1, ('x' || substr(m, 8, 7))::bit(28)::int as s2,
                             ('x' || substr(m, 15, 7))::bit(28)::int as s3, ('x' || substr(m, 22, 7))::bit(28)::int as s4) s
  cross join lateral (select
      case when s1 % 1000 < 860 then 'delivered' when s1 % 1000 < 960 then 'registered'
           when s1 % 1000 < 970 then 'notified' when s1 % 1000 < 978 then 'submitted'
           when s1 % 1000 < 984 then 'needs_supplement' when s1 % 1000 < 990 then 'ready'
           when s1 % 1000 < 995 then 'awaiting_signature' else 'refused' end as st,
      case when s2 % 10 < 6 then 'birth' when s2 % 10 < 7 then 'marriage' else 'death' end as kd,
      s2 / 10 % 100 as c, s2 / 1000 % 100 < 5 as lt) a
  cross join lateral (select
      case when c < 35 and kd <> 'marriage' then 'hospital' when c < 45 then 'collector'
           when c < 80 then 'counter' else 'online' end as ch,
      (now() at time zone 'UTC' + interval '7 hours')::date
        - s3 % case when st in ('delivered', 'registered', 'refused') then 1096 else 7 end as day) b
  cross join lateral (select least(now(), (day + time '07:30' + s4 / 30 % 540 * interval '1 minute' - interval '7 hours')
                                          at time zone 'UTC') as rcv) t;
insert into dossier_version (dossier_id, version, data, created_at)
  select dossier_id, 1, '{}'::jsonb, received_at from dossier where code like 'BENCH-%';
vacuum analyze dossier, dossier_version;
SQL
BENCH_A=http://127.0.0.1:3201 node scripts/bench-civil.mjs

# The collector's phone: what the service worker keeps for offline work (real Chromium).
BENCH_A=http://127.0.0.1:3201 node scripts/bench-field.mjs
