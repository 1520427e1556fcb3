#!/usr/bin/env bash
# Debian's gRPC for Python and the protobuf compilers, for the Python example client (examples/clients/python)
# and its test. Installs only what is missing; idempotent.
set -euo pipefail
missing=()
/usr/bin/python3 -c 'import grpc' 2>/dev/null || missing+=(python3-grpcio)
/usr/bin/python3 -c 'import google.protobuf' 2>/dev/null || missing+=(python3-protobuf)
command -v protoc >/dev/null || missing+=(protobuf-compiler)
[ -x /usr/bin/grpc_python_plugin ] || missing+=(protobuf-compiler-grpc)
if [ "${#missing[@]}" -eq 0 ]; then
  echo "python-grpc: present"
  exit 0
fi
echo "python-grpc: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
