#!/usr/bin/env bash
# Node.js and the Node example client's packages (@grpc/grpc-js, @grpc/proto-loader, pinned by its
# package-lock.json), for examples/clients/node and its test. Installs only what is missing; idempotent.
set -euo pipefail
client="$(cd "$(dirname "$0")/../../examples/clients/node" && pwd)"
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "node-clients: installing nodejs and npm"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends nodejs npm
fi
if [ -d "$client/node_modules/@grpc/grpc-js" ] && [ -d "$client/node_modules/@grpc/proto-loader" ] \
   && [ "$client/node_modules/.package-lock.json" -nt "$client/package-lock.json" ]; then
  echo "node-clients: present"
  exit 0
fi
echo "node-clients: npm ci in $client"
(cd "$client" && npm ci --no-audit --no-fund --loglevel=error)
