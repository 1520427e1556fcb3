#!/usr/bin/env bash
# Debian's bubblewrap, the sandbox the service runs untrusted policy plugins in (docs/plugins.md), only when it is
# missing. Idempotent: a machine that has a working bwrap does nothing (no network access at all).
set -euo pipefail
if command -v bwrap >/dev/null 2>&1 && bwrap --ro-bind / / --unshare-all true 2>/dev/null; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends bubblewrap >/dev/null
command -v bwrap >/dev/null 2>&1
