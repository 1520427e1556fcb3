#!/usr/bin/env bash
# Debian's gRPC for Python and the protobuf compilers with the well-known types, for the Python example client
# (examples/clients/python) and its test. Each piece is checked by what the client does with it: the modules import,
# and protoc with grpc_python_plugin compiles a file importing google/protobuf/{duration,timestamp}.proto (those
# come from libprotobuf-dev, which protobuf-compiler only recommends). Installs only what is missing; idempotent.
set -euo pipefail

works() {
  /usr/bin/python3 -c 'import grpc, google.protobuf' 2>/dev/null || return 1
  command -v protoc >/dev/null && [ -x /usr/bin/grpc_python_plugin ] || return 1
  local dir rc
  dir=$(mktemp -d)
  cat >"$dir/probe.proto" <<'PROTO'
syntax = "proto3";
package probe;
import "google/protobuf/duration.proto";
import "google/protobuf/timestamp.proto";
message Probe { google.protobuf.Duration d = 1; google.protobuf.Timestamp t = 2; }
service ProbeService { rpc Get(Probe) returns (Probe); }
PROTO
  protoc -I"$dir" --python_out="$dir" --grpc_python_out="$dir" \
    --plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin "$dir/probe.proto" 2>/dev/null &&
    (cd "$dir" && /usr/bin/python3 -c 'import probe_pb2, probe_pb2_grpc' 2>/dev/null)
  rc=$?
  rm -rf "$dir"
  return $rc
}

if works; then
  echo "python-grpc: present"
  exit 0
fi
packages=(python3-grpcio python3-protobuf protobuf-compiler protobuf-compiler-grpc libprotobuf-dev)
echo "python-grpc: installing ${packages[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update -qq
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${packages[@]}"
if ! works; then
  echo "python-grpc: installed ${packages[*]}, but protoc still cannot compile a file importing the well-known types" >&2
  exit 1
fi
echo "python-grpc: installed"
