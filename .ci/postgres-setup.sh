#!/usr/bin/env bash
# PostgreSQL server binaries for the store tests on PostgreSQL (tests/support/pg.py starts a throwaway
# server from them; under CI=true the tests fail without them): Debian's postgresql package, installed
# with apt-get when initdb and pg_ctl are on neither PATH nor /usr/lib/postgresql/*/bin.  The package's
# own cluster is not needed and is not started.  Called by .ci/run; safe to run twice.
set -euo pipefail
found=""
if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
  found="$(dirname "$(command -v pg_ctl)")"
else
  for d in /usr/lib/postgresql/*/bin; do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then found="$d"; fi
  done
fi
if [ -n "$found" ]; then
  echo "postgres-setup: $("$found/pg_ctl" --version) already installed ($found)"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# policy-rc.d: do not start the package's cluster as a service (the tests run their own server)
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
$SUDO apt-get install -y -qq --no-install-recommends postgresql
for d in /usr/lib/postgresql/*/bin; do found="$d"; done
"$found/pg_ctl" --version
