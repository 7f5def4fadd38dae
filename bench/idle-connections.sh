#!/usr/bin/env bash
# Holds N idle client connections (default 1000) on a gateway limited to HEAP (default 512m), then
# prints the heap in use after a full GC (jcmd) and how fast a new client still gets its banner.
#   bench/idle-connections.sh [N]        e.g. bench/idle-connections.sh 10000
#   HEAP=256m bench/idle-connections.sh 1000
set -euo pipefail
home=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
n=${1:-1000}
heap=${HEAP:-512m}
# each side (the holding client, the gateway) is a process of its own with N sockets and some files
need=$((n + 2048))
[ "$(ulimit -n)" -ge "$need" ] || ulimit -n "$need" 2>/dev/null \
  || { echo "cannot raise the open-files limit to $need (ulimit -n; hard limit $(ulimit -Hn))" >&2; exit 2; }
work=$(mktemp -d); pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
dport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$work/gateway.yaml" <<YAML
listen: 127.0.0.1:$port
hostname: mx.example.net
downstream: 127.0.0.1:$dport
domains: [example.net]
limits: {connections: $((n + 100)), connections_per_client: $((n + 100)), connections_per_network: $((n + 100))}
admin: {listen: "off"}
dns: {servers: ["127.0.0.1:$dport"], timeout: 200ms}
var_dir: $work/var
YAML
PORTCULLIS_JAVA_OPTS="-Xmx$heap -Dportcullis.logs=$work/logs" "$home/bin/portcullis" serve --config "$work/gateway.yaml" \
  > "$work/gateway.log" 2>&1 & pids+=($!)
for _ in $(seq 200); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
python3 - "$port" "$n" "$work/ready" <<'PY' & pids+=($!)
import socket, sys, time
port, n, ready = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
socks = []
for i in range(n):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.recv(512)                      # the 220 greeting
    s.sendall(b"EHLO idle.example\r\n")
    s.recv(512)                      # the EHLO reply
    socks.append(s)
open(ready, "w").write(str(len(socks)))
time.sleep(120)
PY
for _ in $(seq 600); do [ -f "$work/ready" ] && break; sleep 0.1; done
[ -f "$work/ready" ] || { echo "could not open $n sessions"; tail "$work/gateway.log"; exit 1; } >&2
gw=${pids[0]}
jcmd="$(dirname "$(readlink -f /proc/$gw/exe)")/jcmd"
"$jcmd" "$gw" GC.run >/dev/null
sleep 1
used_kb=$("$jcmd" "$gw" GC.heap_info | grep -Eo 'used [0-9]+K' | head -1 | grep -Eo '[0-9]+')
greeting=$(python3 - "$port" <<'PY'
import socket, sys, time
port = int(sys.argv[1]); times = []; banner = ""
for _ in range(9):
    t0 = time.monotonic()
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    banner = s.recv(512).decode().strip()
    times.append((time.monotonic() - t0) * 1000)
    s.close()
times.sort()
print(f"banner_ms_median={times[4]:.1f} banner_ms_max={times[-1]:.1f} ({banner})")
PY
)
echo "idle_sessions=$(cat "$work/ready") heap_max=$heap heap_used_after_gc=$((used_kb / 1024))M java=$(readlink -f /proc/$gw/exe)"
echo "a new client: $greeting"
