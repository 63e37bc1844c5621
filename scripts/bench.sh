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
