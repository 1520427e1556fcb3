#!/usr/bin/env bash
# The cluster figures of docs/benchmarks.md ("Cluster"): one tournament through `serve` with the local scheduler, then
# through one and two `serve --cluster` silos on this machine, each with fresh stores (nothing reused), against a private
# PostgreSQL on a loopback port (initdb in a temporary folder as the postgres user, stopped at the end). Prints, per
# mode, the tournament's wall time, the CPU time the server processes spent during it (user + system, from
# /proc/PID/stat: far less sensitive to other load than wall time) and the simulations each silo executed (from
# netns_cluster_executions).
#   scripts/cluster-bench.sh TOURNAMENT.json [REPEATS]      (after: dotnet build src/Cli -c Release)
set -euo pipefail
file=$(realpath "$1"); repeats=${2:-3}
cli=$(realpath src/Cli/bin/Release/net10.0/netns-policy.dll)
pgbin=$(dirname "$(command -v initdb 2>/dev/null || ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")
work=$(mktemp -d /tmp/netns-cluster-bench.XXXXXX); chown postgres "$work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  runuser -u postgres -- "$pgbin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
runuser -u postgres -- "$pgbin/initdb" -D "$work/pg" -U postgres -A trust -E UTF8 --locale=C --no-sync >/dev/null
runuser -u postgres -- "$pgbin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -o "-p $port -k $work -c listen_addresses=127.0.0.1 -c fsync=off" -w start >/dev/null
cs="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
psql() { command psql -h 127.0.0.1 -p "$port" -U postgres -At -c "$1"; }

serve() { # name, cluster? → sets $url to the gRPC address once listening (not in a subshell: $pids must see the pid)
  local name=$1 dir="$work/$1-$RANDOM"; mkdir -p "$dir"
  local args=(serve --port 0 --web-port -1 --data "$dir")
  if [ "$2" = cluster ]; then
    args+=(--cluster "$cs" --silo-port "$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')" \
      --gateway-port "$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')" --silo-name "$name")
  fi
  dotnet "$cli" "${args[@]}" >"$dir/out" 2>&1 & pids+=($!)
  until grep -qs "netns-policy service: gRPC" "$dir/out"; do sleep 0.2; done
  url=$(grep -o "gRPC http://[0-9.:]*" "$dir/out" | cut -d' ' -f2)
}

cpu() { # CPU seconds (user + system) the servers used so far
  local t=0 p
  for p in "${pids[@]}"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done
  echo "scale=2; $t / $(getconf CLK_TCK)" | bc
}

stop_all() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; pids=(); }

for r in $(seq "$repeats"); do
  for mode in local cluster-1 cluster-2; do
    [ "$mode" = cluster-1 ] || [ "$mode" = cluster-2 ] && psql "TRUNCATE netns_cluster_executions" >/dev/null 2>&1 || true
    case $mode in
      local) serve local none ;;
      cluster-1) serve silo-a cluster ;;
      cluster-2) serve silo-b cluster; serve silo-a cluster
                 until [ "$(psql "SELECT count(*) FROM netns_membership WHERE status = 3")" -ge 2 ]; do sleep 0.2; done ;;
    esac
    cpu0=$(cpu); start=$(date +%s.%N)
    dotnet "$cli" tournament "$file" --server "$url" --out "$work/out-$mode-$r" >"$work/tournament.log" 2>&1
    end=$(date +%s.%N); cpu1=$(cpu)
    per=$( [ "$mode" = local ] || psql "SELECT string_agg(silo || ' ' || n, ', ') FROM (SELECT silo, count(*) n FROM netns_cluster_executions GROUP BY silo ORDER BY silo) x")
    printf '%s\trepeat %s\twall %.2f s\tservers CPU %.2f s\tload %s\t%s\n' "$mode" "$r" "$(echo "$end - $start" | bc)" "$(echo "$cpu1 - $cpu0" | bc)" "$(cut -d' ' -f1 /proc/loadavg)" "$per"
    stop_all
    psql "DELETE FROM netns_membership" >/dev/null 2>&1 || true
  done
done
for mode in cluster-1 cluster-2; do cmp -s "$work/out-local-1/tournament.json" "$work/out-$mode-1/tournament.json" && echo "$mode: tournament.json byte-identical to local"; done
