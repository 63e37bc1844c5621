#!/usr/bin/env bash
# Serves the release build with demo data. Without DATABASE_URL the server starts its own
# PostgreSQL cluster under target/pg and stops it on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
export LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg
export LEPTOS_SITE_ADDR="${LEPTOS_SITE_ADDR:-127.0.0.1:3000}"
export PHUCVU_DEMO_DATA="${PHUCVU_DEMO_DATA:-1}" PHUCVU_DEV_INBOX="${PHUCVU_DEV_INBOX:-1}"
exec target/release/server
