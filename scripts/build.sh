#!/usr/bin/env bash
# Release build of server and wasm, with precompressed (.br/.gz) static assets.
set -euo pipefail
cd "$(dirname "$0")/.."
# Compile-checked SQL against the committed .sqlx/ metadata: no database needed to build.
export SQLX_OFFLINE=true
cargo leptos build --release --precompress --split
