#!/usr/bin/env bash
# Everything CI checks: formatting, clippy (ssr and hydrate separately), unit, database and HTTP
# tests against a private PostgreSQL cluster, then end-to-end tests in Chromium against the
# release build. Prints one summary line per suite at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
export SQLX_OFFLINE=true
mkdir -p target
step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "format"
cargo fmt --all -- --check

step "structure (no import circles, no reaching into another feature's insides)"
python3 scripts/import-graph.py

step "clippy (server side, then browser side: never in one cargo invocation)"
cargo clippy -p app --features ssr --all-targets -- -D warnings
cargo clippy -p server --all-targets -- -D warnings
cargo clippy -p app --features hydrate --target wasm32-unknown-unknown -- -D warnings
cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

step "release build"
scripts/build.sh

step "test database cluster"
export PHUCVU_PG_DIR=target/pg-test PHUCVU_PG_PORT="${PHUCVU_TEST_PG_PORT:-54339}" PHUCVU_PG_FAST=1
server_pid=""
second_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  [ -n "$second_pid" ] && kill "$second_pid" 2>/dev/null && wait "$second_pid" 2>/dev/null
  target/release/server db-stop >/dev/null 2>&1 || true
}
trap cleanup EXIT
db_url=$(target/release/server db-start | tail -n 1)
admin_url="${db_url%/*}/postgres"

step "unit, database and HTTP tests"
# sqlx::test creates and drops a fresh database per test on this cluster.
DATABASE_URL="$admin_url" cargo test -p app -p server --features app/ssr 2>&1 | tee target/rust-tests.log
# (grep finds nothing when all is well; `|| true` keeps pipefail from ending the script.)
rust_passed=$( (grep -Eo '[0-9]+ passed' target/rust-tests.log || true) | awk '{s+=$1} END {print s+0}')
rust_failed=$( (grep -Eo '[0-9]+ failed' target/rust-tests.log || true) | awk '{s+=$1} END {print s+0}')

step "end-to-end tests (release build, Chromium, phone and tablet viewports)"
e2e_db="${admin_url%/*}/phucvu_e2e"
psql "$admin_url" -q -c 'drop database if exists phucvu_e2e' -c 'create database phucvu_e2e'
e2e_port="${PHUCVU_E2E_PORT:-3100}"
DATABASE_URL="$e2e_db" LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_ADDR="127.0.0.1:$e2e_port" \
  PHUCVU_DEMO_DATA=1 PHUCVU_DEV_INBOX=1 RUST_LOG=warn target/release/server > target/e2e-server.log 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$e2e_port/healthz" >/dev/null && break; sleep 0.2; done
# A second instance on the same database: live updates must reach its TV boards too.
second_port=$(( e2e_port + 1 ))
DATABASE_URL="$e2e_db" LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_ADDR="127.0.0.1:$second_port" \
  PHUCVU_DEV_INBOX=1 RUST_LOG=warn target/release/server > target/e2e-server-2.log 2>&1 &
second_pid=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$second_port/healthz" >/dev/null && break; sleep 0.2; done
set +e
E2E_DATABASE_URL="$e2e_db" BASE_URL="http://127.0.0.1:$e2e_port" SECOND_URL="http://127.0.0.1:$second_port" npx playwright test -c end2end/playwright.config.ts 2>&1 | tee target/e2e.log
e2e_status=${PIPESTATUS[0]}
set -e
# The fuzz suite, against the same server after the end-to-end tests (it changes demo data):
# every server function and /api/v1 endpoint with broken input; any 5xx fails the run.
step "fuzz (every server function and /api/v1 endpoint; fails on any 5xx)"
set +e
BASE_URL="http://127.0.0.1:$e2e_port" node scripts/fuzz.mjs 2>&1 | tee target/fuzz.log
fuzz_status=${PIPESTATUS[0]}
set -e
e2e_passed=$( (grep -Eo '^ *[0-9]+ passed' target/e2e.log || true) | tail -1 | awk '{print $1+0}')
e2e_failed=$( (grep -Eo '^ *[0-9]+ failed' target/e2e.log || true) | tail -1 | awk '{print $1+0}')

echo
echo "rust: ${rust_passed} passed, ${rust_failed} failed"
echo "e2e: ${e2e_passed:-0} passed, ${e2e_failed:-0} failed"
grep -E '^fuzz: ' target/fuzz.log || echo "fuzz: did not finish"
echo "total: $(( rust_passed + ${e2e_passed:-0} )) passed, $(( rust_failed + ${e2e_failed:-0} )) failed"
[ "$e2e_status" = 0 ] || exit "$e2e_status"
exit "$fuzz_status"
