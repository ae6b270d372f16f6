#!/usr/bin/env bash
# Starts the freshly built server for the end-to-end tests, on a throwaway SQLite database
# with the demo data, on port 3005 (so that it never meets a `make run` server on 3000).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
data=$(mktemp -d -t mf-e2e-XXXXXX)
trap 'rm -rf "$data"' EXIT
cd "$root"
export DATA_DIR="$data" DEMO_DATA=1 \
  LEPTOS_OUTPUT_NAME=mission-formateur LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg \
  LEPTOS_SITE_ADDR=127.0.0.1:3005 SITE_URL=http://127.0.0.1:3005 RUST_LOG=${RUST_LOG:-warn}
unset DATABASE_URL
# `make build-debug` copies the server built with this checkout's site into target/.
"$root/target/e2e-server"
