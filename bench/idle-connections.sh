#!/usr/bin/env bash
# Holds N idle client connections (default 1000) on a gateway limited to HEAP (default 512m), then
# prints the heap in use after a full GC (jcmd) and how fast a new client still gets its banner.
#   bench/idle-connections.sh [N]        e.g. bench/idle-connections.sh 10000
#   HEAP=256m bench/idle-connections.sh 1000
#   LOAD=S bench/idle-connections.sh 10000   with normal mail as well: S sessions of smtp-source into
#              smtp-sink through the gateway (5 KB messages, every check on, DNS from NSD on loopback),
#              LOAD_MESSAGES (default 10000) alone first, then the same while the idle sessions are held;
#              the heap and a new client's banner time are taken while that load runs
#   SLOW=K (default 0; 1000 is a tenth of 10,000): K of the N sessions are slow clients instead of
#              idle ones: MAIL, RCPT, DATA, then one header line every 5 s, never ending the message
#              (a slow sender, each holding a downstream transaction open; every line re-arms the
#              read deadline)
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
load=${LOAD:-0}
messages=${LOAD_MESSAGES:-10000}
dns="dns: {servers: [\"127.0.0.1:$dport\"], timeout: 200ms}"   # idle sessions only: no mail, no DNS needed
if [ "$load" -gt 0 ] || [ "${SLOW:-0}" -gt 0 ]; then   # slow clients open downstream transactions too
  export PATH="$PATH:/usr/sbin"
  . "$home/bench/nsd-zone.sh"
  start_nsd
  dns="dns: {servers: [\"127.0.0.1:$dns_port\"], timeout: 2s}"
  smtp-sink -m $((${SLOW:-0} + 256)) -u "$(id -un)" "127.0.0.1:$dport" 1000 >/dev/null 2>&1 & pids+=($!)   # -m: its connection cap (256) above the slow clients
fi
cat > "$work/gateway.yaml" <<YAML
listen: 127.0.0.1:$port
hostname: mx.example.net
downstream: 127.0.0.1:$dport
domains: [example.net]
# the idle sessions and the load come from 127.0.0.1, trusted: smtp-source's short HELO name is then
# not refused (every check still runs)
trusted_networks: [127.0.0.1/32]
limits: {connections: $((n + 100)), connections_per_client: $((n + 100)), connections_per_network: $((n + 100))}
admin: {listen: "off"}
$dns
var_dir: $work/var
YAML
PORTCULLIS_JAVA_OPTS="-Xmx$heap -Dportcullis.logs=$work/logs" "$home/bin/portcullis" serve --config "$work/gateway.yaml" \
  > "$work/gateway.log" 2>&1 & pids+=($!); gw=$!
for _ in $(seq 200); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
# M messages of normal mail in $load sessions; prints messages a second
load_run() {
  local t0 t1
  t0=$(date +%s%N)
  smtp-source -s "$load" -m "$1" -l 5120 -f sender@other.org -t user@example.net "127.0.0.1:$port" >/dev/null 2>&1 || true
  t1=$(date +%s%N)
  python3 -c "print(f'{$1 / (($t1 - $t0) / 1e9):.0f}')"
}
if [ "$load" -gt 0 ]; then
  load_run 5000 >/dev/null                    # the JIT's warm-up
  alone=$(load_run "$messages")
fi
python3 - "$port" "$n" "$work/ready" "${SLOW:-0}" <<'PY' & pids+=($!)
import socket, sys, time
port, n, ready, slow = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
def reply(s):
    data = b""
    while not data.endswith(b"\r\n") or data.split(b"\r\n")[-2][3:4] == b"-":
        chunk = s.recv(4096)
        if not chunk:
            raise IOError("closed")
        data += chunk
    return data
socks, slow_socks = [], []
for i in range(n):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    reply(s)                         # the 220 greeting
    s.sendall(b"EHLO idle.example\r\n")
    reply(s)                         # the EHLO reply
    if i < slow:
        for cmd, code in ((b"MAIL FROM:<slow@other.org>", b"250"), (b"RCPT TO:<user@example.net>", b"250"), (b"DATA", b"354")):
            s.sendall(cmd + b"\r\n")
            try:
                r = reply(s)
            except OSError as e:
                sys.exit(f"slow client {i}: no reply to {cmd.decode()}: {e}")
            if not r.startswith(code):
                sys.exit(f"slow client {i}: {cmd.decode()} got {r.decode().strip()}")
        slow_socks.append(s)
    socks.append(s)
open(ready, "w").write(f"{len(socks)} {len(slow_socks)}\n")
end, line = time.monotonic() + 120, 0
while time.monotonic() < end:
    line += 1
    for s in slow_socks:
        s.sendall(b"X-Slow: line %d\r\n" % line)
    time.sleep(5)
PY
for _ in $(seq 600); do [ -f "$work/ready" ] && break; sleep 0.1; done
[ -f "$work/ready" ] || { echo "could not open $n sessions"; grep -v "^\s*at " "$work/gateway.log" | tail -20; exit 1; } >&2
if [ "$load" -gt 0 ]; then
  ( load_run "$messages" > "$work/load.rate" ) & lpid=$!
  sleep 2                                     # what follows is measured while the load runs
fi
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
read -r held slow_held < "$work/ready" || true
echo "idle_sessions=$((held - slow_held)) slow_sessions=$slow_held heap_max=$heap heap_used_after_gc=$((used_kb / 1024))M java=$(readlink -f /proc/$gw/exe)"
echo "a new client: $greeting"
if [ "$load" -gt 0 ]; then
  wait "$lpid"
  echo "load: $load sessions, 5 KB messages: alone $alone msg/s, beside the $n idle sessions $(cat "$work/load.rate") msg/s"
fi
