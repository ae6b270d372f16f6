#!/usr/bin/env bash
# Fails when SQL is written outside the repository modules (app/src/repo/) and the database
# handle itself (app/src/infra/db.rs): server functions, pages, the mailer and the server's CLI
# reach the database only through a repository. Tests (server/tests) may prepare data directly.
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root"
pattern='sqlx::query|query_as(::|\()|query_scalar(::|\()|on_db!|write_tx!|execute_with!|fetch_all_with!|count_with!|insert_rows\(|QueryBuilder|\.begin_with\(|\.begin\(\)'
found=$(grep -rnE "$pattern" app/src server/src frontend/src --include='*.rs' \
  | grep -v '^app/src/repo/' \
  | grep -v '^app/src/infra/db.rs:' || true)
if [ -n "$found" ]; then
  echo "Queries written outside a repository module (move them to app/src/repo/):" >&2
  echo "$found" >&2
  echo "query placement: $(echo "$found" | wc -l) line(s) outside app/src/repo" >&2
  exit 1
fi
echo "query placement: every query lives in app/src/repo"
