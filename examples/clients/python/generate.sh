#!/usr/bin/env bash
# Generates the Python gRPC modules from protos/ into gen/ with Debian's protoc and grpc_python_plugin
# (compare.py also does this on first use).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/../../../protos"
mkdir -p "$here/gen"
protoc -I"$root" --python_out="$here/gen" --grpc_python_out="$here/gen" \
  --plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin "$root"/netnspolicy/v1/*.proto
touch "$here/gen/netnspolicy/__init__.py" "$here/gen/netnspolicy/v1/__init__.py" "$here/gen/.stamp"
