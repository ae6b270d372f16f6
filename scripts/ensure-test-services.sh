#!/usr/bin/env bash
# Makes sure the end-to-end browser (Debian's chromium) and a PostgreSQL server are available.
# Installs and starts Debian's PostgreSQL when nothing answers at TEST_POSTGRES_URL.
set -euo pipefail
TEST_POSTGRES_URL=${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}
SUDO=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then SUDO=sudo; fi

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then $SUDO apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@"
}

if [ ! -x /usr/bin/chromium ]; then
  echo "==> installing Debian chromium"
  apt_install chromium
fi

pg_ready() { command -v pg_isready >/dev/null && pg_isready -q -d "$TEST_POSTGRES_URL"; }

if ! pg_ready; then
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    echo "==> installing Debian postgresql"
    apt_install postgresql
  fi
  version=$(ls /etc/postgresql | sort -V | tail -1)
  echo "==> starting PostgreSQL $version"
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do pg_ready && break; sleep 1; done
  if ! pg_ready; then
    echo "PostgreSQL does not answer at $TEST_POSTGRES_URL" >&2
    exit 1
  fi
  # A fresh Debian cluster: allow the local trust login the tests use, and create the database.
  if ! psql "$TEST_POSTGRES_URL" -c 'select 1' >/dev/null 2>&1; then
    db=${TEST_POSTGRES_URL##*/}
    conf="/etc/postgresql/$version/main/pg_hba.conf"
    if ! grep -q "mission-formateur tests" "$conf"; then
      $SUDO sed -i '1i # mission-formateur tests\nhost all postgres 127.0.0.1/32 trust' "$conf"
      $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main reload
    fi
    if [ "$(id -u)" = 0 ]; then su postgres -c "createdb '$db'" || true; else sudo -u postgres createdb "$db" || true; fi
  fi
fi
psql "$TEST_POSTGRES_URL" -c 'select 1' >/dev/null
echo "PostgreSQL ready at $TEST_POSTGRES_URL"
