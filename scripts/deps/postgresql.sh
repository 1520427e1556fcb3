#!/usr/bin/env bash
# Debian's PostgreSQL server programs for the tests that start a private instance (tests/Cluster.Tests,
# PostgresInstance: initdb + pg_ctl on a loopback port in a temporary folder, as an unprivileged user, stopped at
# the end). Installs only when initdb or pg_ctl is not runnable; idempotent. No system service is left running: a
# cluster the package's installation started is stopped again.
set -euo pipefail

# The same lookup as PostgresInstance: $NETNS_POLICY_PG_BIN, then PATH, then Debian's newest /usr/lib/postgresql/N/bin.
bindir() {
  if [ -n "${NETNS_POLICY_PG_BIN:-}" ]; then echo "$NETNS_POLICY_PG_BIN"; return; fi
  if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return; fi
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

works() {
  local dir
  dir=$(bindir)
  [ -n "$dir" ] || return 1
  "$dir/initdb" --version >/dev/null 2>&1 || return 1
  "$dir/pg_ctl" --version >/dev/null 2>&1 || return 1
  "$dir/postgres" --version >/dev/null 2>&1 || return 1
  # As root the tests run the server as another user (initdb refuses root): runuser and that user must exist.
  if [ "$(id -u)" -eq 0 ]; then
    command -v runuser >/dev/null 2>&1 || return 1
    id postgres >/dev/null 2>&1 || id nobody >/dev/null 2>&1 || return 1
  fi
}

if works; then
  echo "postgresql: present ($("$(bindir)/postgres" --version))"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
online_before=$(pg_lsclusters -h 2>/dev/null | awk '$4 == "online" { print $1 "/" $2 }' || true)
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends postgresql >/dev/null

# The package creates and may start a "main" cluster as a system service; the tests never use it.
for cluster in $(pg_lsclusters -h 2>/dev/null | awk '$4 == "online" { print $1 "/" $2 }'); do
  case " $online_before " in
    *" $cluster "*) ;;
    *) $SUDO pg_ctlcluster "${cluster%/*}" "${cluster#*/}" stop || true ;;
  esac
done

works
echo "postgresql: installed ($("$(bindir)/postgres" --version))"
