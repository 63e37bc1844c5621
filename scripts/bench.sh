#!/usr/bin/env bash
# Prints the project's figures, one per line: `name: value unit`.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/site/pkg/phucvu.wasm.br ] || scripts/build.sh >&2
kb() { echo "$1" | awk '{printf "%.1f", $1/1024}'; }
size() { stat -c %s "$1"; }
# What a citizen's first page loads besides the HTML: the hydration JS and wasm, brotli-compressed.
js_wasm=$(( $(size target/site/pkg/phucvu.js.br) + $(size target/site/pkg/phucvu.wasm.br) ))
echo "first_page_js_wasm_br_kb: $(kb $js_wasm) KB"
echo "first_page_css_br_kb: $(kb "$(size target/site/pkg/phucvu.css.br)") KB"
echo "wasm_raw_kb: $(kb "$(size target/site/pkg/phucvu.wasm)") KB"
