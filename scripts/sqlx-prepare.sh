#!/usr/bin/env bash
# Rebuilds .sqlx/ (the offline query metadata CI compiles against) from a freshly migrated
# database on the embedded cluster. sqlx's macros write one file per query when
# SQLX_OFFLINE_DIR is set during an online build.
set -euo pipefail
cd "$(dirname "$0")/.."
export PHUCVU_PG_DIR=target/pg-test PHUCVU_PG_PORT="${PHUCVU_TEST_PG_PORT:-54339}" PHUCVU_PG_FAST=1
[ -x target/release/server ] || SQLX_OFFLINE=true cargo build --release -p server
admin=$(target/release/server db-start | tail -n 1); admin="${admin%/*}/postgres"
db="${admin%/*}/phucvu_sqlx"
psql "$admin" -q -c 'drop database if exists phucvu_sqlx' -c 'create database phucvu_sqlx'
for f in migrations/*.sql; do psql "$db" -q -v ON_ERROR_STOP=1 -f "$f" >/dev/null; done
rm -rf .sqlx && mkdir .sqlx
touch app/src/lib.rs server/src/lib.rs
DATABASE_URL="$db" SQLX_OFFLINE=false SQLX_OFFLINE_DIR="$PWD/.sqlx" cargo check -p app --features ssr --all-targets
DATABASE_URL="$db" SQLX_OFFLINE=false SQLX_OFFLINE_DIR="$PWD/.sqlx" cargo check -p server --all-targets
echo "$(ls .sqlx | wc -l) queries in .sqlx/"
