#!/usr/bin/env bash
# Scale benchmark: fills a SQLite database and a Postgres database with 100,000 trainers, 500
# centres and 20,000 missions (once; `--fresh` regenerates), then prints p50/p95/p99 of the
# mission search, of the daily broadcast and of the staff's best profiles on each. Uses the
# optimised server build. BENCH_DIR and BENCH_PG_DB choose where the data lives.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
fresh=0
[ "${1:-}" = "--fresh" ] && fresh=1
TRAINERS=${TRAINERS:-100000} CENTRES=${CENTRES:-500} MISSIONS=${MISSIONS:-20000}
PG_BASE=${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}
PG_DB=${BENCH_PG_DB:-mf_bench}
PG_URL="${PG_BASE%/*}/$PG_DB"
dir=${BENCH_DIR:-/tmp/mission-formateur-bench}
mkdir -p "$dir"

cargo build --profile server-release -p server
bin="${CARGO_TARGET_DIR:-target}/server-release/server"
export LEPTOS_OUTPUT_NAME=mission-formateur DATA_DIR="$dir" RUST_LOG=${RUST_LOG:-warn,sqlx=error} BROADCAST_SCHEDULER=0

run() {
  local name=$1 url=$2 exists=$3
  echo "=== $name ==="
  if [ "$fresh" = 1 ] || [ "$exists" = 0 ]; then
    DATABASE_URL="$url" "$bin" generate --trainers "$TRAINERS" --centres "$CENTRES" --missions "$MISSIONS"
  fi
  DATABASE_URL="$url" "$bin" bench --searches "${SEARCHES:-300}" --broadcasts "${BROADCASTS:-5}" --profiles "${PROFILES:-200}"
}

sqlite_db="$dir/bench.db"
[ "$fresh" = 1 ] && rm -f "$sqlite_db" "$sqlite_db-wal" "$sqlite_db-shm"
run SQLite "sqlite://$sqlite_db" "$([ -f "$sqlite_db" ] && echo 1 || echo 0)"

bash scripts/ensure-test-services.sh >/dev/null
pg_exists=$(psql "$PG_BASE" -tAc "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'" || true)
if [ "$fresh" = 1 ] && [ "$pg_exists" = 1 ]; then
  psql "$PG_BASE" -qc "DROP DATABASE $PG_DB WITH (FORCE)"
  pg_exists=""
fi
[ "$pg_exists" = 1 ] || psql "$PG_BASE" -qc "CREATE DATABASE $PG_DB"
run Postgres "$PG_URL" "$([ "$pg_exists" = 1 ] && echo 1 || echo 0)"
