#!/usr/bin/env bash
# Rebuilds app/src/auth/common-passwords.txt from Django's list (PyPI) plus the French additions
# kept at the end of the current file.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
target="$root/app/src/auth/common-passwords.txt"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pip download django==5.1.4 --no-deps -d "$tmp" -q
(cd "$tmp" && unzip -q -o Django-*.whl 'django/contrib/auth/common-passwords.txt.gz')
french=$(tail -n +20005 "$target")
{
  echo "# Common passwords refused at registration and password change."
  echo "# Source: Django 5.1.4 django/contrib/auth/common-passwords.txt.gz (20,000 entries, BSD-3-Clause,"
  echo "# itself from Royce Williams' list), followed by French passwords seen in public breach lists."
  echo "# Rebuild: scripts/build-common-passwords.sh"
  zcat "$tmp/django/contrib/auth/common-passwords.txt.gz"
  echo "$french"
} > "$target"
wc -l "$target"
