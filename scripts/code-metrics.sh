#!/usr/bin/env bash
# Prints the shape figures of the code that issue 10 tracks, for a before/after comparison:
# duplicated-block pairs in app/src, the largest file, `#[allow(` attributes, status codes
# written as string literals outside the enums that define them, and queries outside app/src/repo.
# Usage: bash scripts/code-metrics.sh [REV]   (default: the working tree)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rev=${1:-}
tree=$root
if [ -n "$rev" ]; then
  tree=$(mktemp -d)
  trap 'rm -rf "$tree"' EXIT
  git -C "$root" archive "$rev" app server frontend scripts | tar -x -C "$tree"
fi
cd "$tree"
echo "code metrics of ${rev:-the working tree}"
if command -v duplicates >/dev/null; then
  echo "  duplicated-block pairs in app/src: $(duplicates --repo app/src --most 1 | head -1 | awk '{print $1}')"
fi
largest=$(find app/src server/src -name '*.rs' -print0 | xargs -0 wc -l | grep -v ' total$' | sort -n | tail -1)
echo "  largest file: $(echo "$largest" | awk '{print $2 " (" $1 " lines)"}')"
echo "  #[allow( attributes (app, server, frontend): $(grep -rn '#\[allow(' app/src server/src frontend/src --include='*.rs' | wc -l)"
# Status, role and format codes as string literals (quoted "…" in Rust or '…' in SQL), outside
# the domain/session modules whose code() tables define them once.
codes='brouillon|publiee|pourvue|en_cours|terminee|annulee|envoyee|retenue|non_retenue|retiree|en_attente|valide|modifications_demandees|refuse|pending|verified|trainer|staff|centre|presentiel|distanciel|individuel|collectif|formateurs|totale'
literals=$(grep -rnoE "[\"'](${codes})[\"']" app/src server/src --include='*.rs' \
  | grep -v '^app/src/domain/' | grep -v '^app/src/session.rs' | grep -v '^app/src/auth/mod.rs' | wc -l)
echo "  status/role/format codes as string literals outside their enums: $literals"
outside=$(bash "$root/scripts/check-query-placement.sh" "$tree" 2>&1 | sed -n 's/^query placement: \([0-9]*\) line.*/\1/p' || true)
echo "  query lines outside app/src/repo: ${outside:-0}"
