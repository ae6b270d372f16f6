#!/usr/bin/env bash
# Installs what building needs, skipping whatever is already there at the right version:
# the wasm32 target, cargo-leptos, wasm-bindgen-cli (same version as the crate in Cargo.lock),
# and the npm packages of end2end/ (Playwright, and binaryen's wasm-opt for release builds).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
CARGO_LEPTOS_VERSION=0.3.10
WASM_BINDGEN_VERSION=$(grep -A1 '^name = "wasm-bindgen"$' "$root/Cargo.lock" | sed -n 's/^version = "\(.*\)"/\1/p' | head -1)
WASM_BINDGEN_VERSION=${WASM_BINDGEN_VERSION:-0.2.130}

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  echo "==> rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(cargo leptos --version 2>/dev/null | awk '{print $2}')" != "$CARGO_LEPTOS_VERSION" ]; then
  echo "==> installing cargo-leptos $CARGO_LEPTOS_VERSION (about 9 minutes, once)"
  cargo install cargo-leptos --locked --version "$CARGO_LEPTOS_VERSION"
fi

if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  echo "==> installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "Node.js and npm are required (Debian: apt-get install -y nodejs npm)." >&2
  exit 1
fi

lock="$root/end2end/package-lock.json"
stamp="$root/end2end/node_modules/.installed-lock"
if [ ! -f "$stamp" ] || ! cmp -s "$lock" "$stamp"; then
  echo "==> npm ci (end2end)"
  (cd "$root/end2end" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
  cp "$lock" "$stamp"
fi
