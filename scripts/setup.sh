#!/usr/bin/env bash
# Installs what the build and tests need, only where it is missing. Safe to run again.
# Usage: scripts/setup.sh [--test]   (--test also installs Chromium for end-to-end tests)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_updated=0
apt_install() {
  if [ $apt_updated = 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  say "installing PostgreSQL (server binaries for the embedded cluster)"
  apt_install postgresql
fi
if ! command -v curl >/dev/null; then apt_install curl; fi
if [ $want_test = 1 ] && ! command -v chromium >/dev/null; then
  say "installing Chromium for end-to-end tests"
  apt_install chromium fonts-noto-core
fi

if ! rustup target list --installed | grep -q wasm32-unknown-unknown; then
  say "adding the wasm32 target"
  rustup target add wasm32-unknown-unknown
fi
if [ "$(cargo leptos --version 2>/dev/null | awk '{print $2}')" != "0.3.10" ]; then
  say "installing cargo-leptos 0.3.10 (takes 15-25 minutes once)"
  cargo install cargo-leptos --version 0.3.10 --locked --features no_downloads
fi
# cargo-leptos runs the wasm-bindgen CLI from PATH; it must equal the crate in Cargo.lock.
wb=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"/\1/p')
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wb" ]; then
  say "installing wasm-bindgen-cli $wb"
  cargo install wasm-bindgen-cli --version "$wb"
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages (wasm-opt, Playwright, Swagger UI)"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
fi
# Swagger UI is served from our own origin, never from a CDN.
if [ ! -f public/vendor/swagger-ui/swagger-ui-bundle.js ]; then
  mkdir -p public/vendor/swagger-ui
  cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css public/vendor/swagger-ui/
fi
