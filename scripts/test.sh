#!/usr/bin/env bash
# The whole test run: lint, the import contracts, the type checker, then pytest on SQLite and a
# real PostgreSQL server that tests/conftest.py starts in a temporary directory on a free port.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

# PostgreSQL is part of the machine image; install it where it is missing and we may.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "PostgreSQL not found: installing it"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
fi

# OpenLDAP's slapd for the directory sign-in tests (tests/ldap_server.py); install where missing.
if ! command -v slapd >/dev/null && [ ! -x /usr/sbin/slapd ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "slapd not found: installing it"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slapd ldap-utils >/dev/null
  fi
fi

export QT_QPA_PLATFORM=offscreen
$BIN/ruff check .
$BIN/lint-imports
$BIN/mypy
# Test databases live on tmpfs where there is one: SQLite's synchronous=FULL makes every commit
# an fsync (about 4 ms on this disk), which is the product's durability but only the tests' wait.
BASETEMP=()
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
  BASETEMP=(--basetemp=/dev/shm/rso-manager-tests-$$)
fi
# Two workers: the CI machine has two cores.
set +e
$BIN/python -m pytest -p no:cacheprovider -q -n 2 "${BASETEMP[@]}" "$@"
status=$?
set -e
[ ${#BASETEMP[@]} -eq 0 ] || rm -rf "/dev/shm/rso-manager-tests-$$"
exit $status
