#!/usr/bin/env bash
# Cold start: seconds from `bin/portcullis serve` to the first 220 banner, on a built tree,
# without and with the AOT cache (Java 25+), alternating, N rounds each (default 3).
#   bench/cold-start.sh [N]
# Uses a throwaway configuration on free loopback ports (DNS pointed at a closed loopback port:
# nothing is looked up before the banner). The first run records what is loaded, the second
# assembles the cache (neither is counted).
set -euo pipefail
home=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
n=${1:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
free() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free)
cat > "$work/gateway.yaml" <<YAML
listen: 127.0.0.1:$port
hostname: mx.example.net
downstream: 127.0.0.1:$(free)
domains: [example.net]
var_dir: $work/var
admin: {listen: "off"}
dns: {servers: ["127.0.0.1:$(free)"], timeout: 1s}
YAML
"$home/bin/portcullis" --version >/dev/null 2>&1 # builds if needed, outside the measurement

start() { # $1 = PORTCULLIS_AOT value; prints seconds to the banner
  local t0 t1 pid line
  t0=$(date +%s.%N)
  PORTCULLIS_AOT=$1 PORTCULLIS_JAVA_OPTS="-Dportcullis.logs=$work/logs" "$home/bin/portcullis" serve --config "$work/gateway.yaml" \
    > "$work/serve.log" 2>&1 & pid=$!
  for _ in $(seq 1000); do
    if { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null; then
      read -t 5 -r line <&3 || true; exec 3<&-
      [[ "$line" == 220* ]] && break
    fi
    sleep 0.01
  done
  t1=$(date +%s.%N)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "$t1 - $t0" | bc
}
rm -f "$home/gateway/target/portcullis.aot" "$home/gateway/target/portcullis.aot.conf"
start on >/dev/null # records (written when it stops)
start on >/dev/null # assembles the cache, then starts with it
off=() on=()
for i in $(seq "$n"); do
  a=$(start off); b=$(start on); off+=("$a"); on+=("$b")
  echo "round $i without_aot_s=$a with_aot_s=$b"
done
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
mo=$(printf '%s\n' "${off[@]}" | median); mn=$(printf '%s\n' "${on[@]}" | median)
echo "median without_aot_s=$mo with_aot_s=$mn ratio=$(echo "scale=2; $mn / $mo" | bc)"
