#!/usr/bin/env bash
# Gateway throughput as a ratio of sending straight into smtp-sink, measured in the same run.
#
#   bench/relay-throughput.sh [--no-reuse] [relay-bench options, e.g. -m 10000 -s 20 -l 5120 -r 3]
#   WARMUP=N (default 5000): messages sent through the gateway before measuring
#
# Starts dnsmasq on a loopback port (so reverse lookups stay on this machine), starts the
# gateway on 127.0.0.1:2525 with its downstream at 127.0.0.1:2526, and runs
# ../shared/bench/relay-bench.sh against it (Postfix's smtp-source into smtp-sink). Needs:
# apt-get install postfix dnsmasq-base (postfix with 'No configuration').
set -euo pipefail
home=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
harness="$home/../shared/bench/relay-bench.sh"
[ -x "$harness" ] || harness="$home/bench/relay-bench.sh"
reuse=true
if [ "${1:-}" = "--no-reuse" ]; then reuse=false; shift; fi
command -v dnsmasq >/dev/null || { echo "dnsmasq not found: apt-get install dnsmasq-base" >&2; exit 2; }

work=$(mktemp -d); pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

dns_port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf '127.0.0.1 localhost\n' > "$work/hosts"
dnsmasq --keep-in-foreground --no-resolv --no-hosts --addn-hosts="$work/hosts" --listen-address=127.0.0.1 \
  --bind-interfaces --port="$dns_port" --user="$(id -un)" --pid-file= 2>"$work/dnsmasq.err" & pids+=($!)

cat > "$work/gateway.yaml" <<YAML
listen: 127.0.0.1:2525
hostname: mx.example.net
downstream: 127.0.0.1:2526
domains: [example.net]
trusted_networks: []
limits: {connections_per_client: 2000}
downstream_options: {reuse: $reuse}
dns: {servers: ["127.0.0.1:$dns_port"], timeout: 2s}
var_dir: $work/var
YAML
PORTCULLIS_JAVA_OPTS="-Dportcullis.logs=$work/logs ${PORTCULLIS_JAVA_OPTS:-}" \
  "$home/bin/portcullis" serve --config "$work/gateway.yaml" > "$work/gateway.log" 2>&1 & pids+=($!)
for _ in $(seq 200); do (exec 3<>/dev/tcp/127.0.0.1/2525) 2>/dev/null && break; sleep 0.1; done
(exec 3<>/dev/tcp/127.0.0.1/2525) 2>/dev/null || { echo "gateway did not start:"; cat "$work/gateway.log"; exit 1; } >&2

# Warm-up: the JIT compiles the hot paths during the first few thousand messages; measuring
# them would measure the compiler. The harness's own sink is not up yet, so a throwaway sink
# takes these on the same port and is stopped before the measured rounds.
if [ "${WARMUP:-5000}" -gt 0 ]; then
  smtp-sink -u "$(id -un)" 127.0.0.1:2526 1000 >/dev/null 2>&1 & sink=$!
  sleep 0.5
  smtp-source -s 20 -m "${WARMUP:-5000}" -l 5120 -f sender@other.org -t user@example.net 127.0.0.1:2525 || true
  kill "$sink"; wait "$sink" 2>/dev/null || true
  sleep 1
fi
echo "# gateway: downstream reuse=$reuse, $(grep -o 'session threads: .*' "$work/gateway.log" || true)"
"$harness" "$@" 127.0.0.1:2525
echo "# decision lines written: $(cat "$work"/logs/decisions*.jsonl 2>/dev/null | wc -l)"
