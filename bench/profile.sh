#!/usr/bin/env bash
# What one relayed message costs the gateway: CPU (user and kernel) and context switches per
# message, read from /proc for each measured round of bench/relay-throughput.sh, and where that
# CPU goes (async-profiler, CPU samples of every thread) with --cpu-profile.
#
#   bench/profile.sh [--cpu-profile] [relay-throughput options, default: -m 10000 -s 20 -l 5120 -r 3]
#   WARMUP=N (default 20000), PEER, PORTCULLIS_JAVA_OPTS: as for bench/relay-throughput.sh
#
# Per round it prints the throughput line, then the gateway's CPU microseconds per message
# (user, kernel), its threads' context switches per message, and the whole machine's context
# switches per message (the load generator and the sink included). Counts like these move far
# less from run to run than messages a second on a shared machine, so a change that saves work
# shows here when the throughput ratio cannot tell it from noise.
# --cpu-profile: async-profiler (tools.profiler:async-profiler from Maven Central, fetched once
# with Maven; its CPU timer, which needs no perf events) samples the gateway for the whole run;
# bench/profile-summary.py prints the share of each thread group, the leaf frames, and our own
# components inclusively, leaving out the JIT compiler threads (the warm-up is theirs).
set -euo pipefail
home=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
profile=false
if [ "${1:-}" = --cpu-profile ]; then profile=true; shift; fi
[ $# -gt 0 ] || set -- -m 10000 -s 20 -l 5120 -r 3
m=10000
args=("$@"); for ((i = 0; i < ${#args[@]}; i++)); do [ "${args[$i]}" = -m ] && m=${args[$((i + 1))]}; done

work=$(mktemp -d); bench_pid=""
cleanup() { [ -n "$bench_pid" ] && kill "$bench_pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

opts="${PORTCULLIS_JAVA_OPTS:-}"
if $profile; then
  ap_version=4.2
  jar="$HOME/.m2/repository/tools/profiler/async-profiler/$ap_version/async-profiler-$ap_version.jar"
  [ -f "$jar" ] || mvn -q -B dependency:get -Dartifact="tools.profiler:async-profiler:$ap_version" >&2
  unzip -q -o "$jar" 'linux-x64/*' -d "$work/ap"
  opts="$opts -agentpath:$work/ap/linux-x64/libasyncProfiler.so=start,event=itimer,interval=1ms,threads,file=$work/cpu.collapsed,collapsed"
fi

gateway_pid() { pgrep -n -f 'net.portcullis.gateway.cli.Main serve' || true; }
# clock ticks (user, kernel) of the process, and context switches summed over its threads
snapshot() {
  local pid=$1 cs=0 v
  read -r -a f < <(sed 's/^.*) //' "/proc/$pid/stat")
  for v in $(cat /proc/"$pid"/task/*/status 2>/dev/null | awk '/ctxt_switches/ {print $2}'); do cs=$((cs + v)); done
  echo "${f[11]} ${f[12]} $cs $(awk '/^ctxt/ {print $2}' /proc/stat)"
}

PORTCULLIS_JAVA_OPTS="$opts" WARMUP="${WARMUP:-20000}" "$home/bench/relay-throughput.sh" "$@" > "$work/out" 2>&1 &
bench_pid=$!
hz=$(getconf CLK_TCK)
seen=0 start=""
while kill -0 "$bench_pid" 2>/dev/null || [ "$(wc -l < "$work/out")" -gt "$seen" ]; do
  total=$(wc -l < "$work/out")
  while [ "$seen" -lt "$total" ]; do
    seen=$((seen + 1)); line=$(sed -n "${seen}p" "$work/out"); echo "$line"
    pid=$(gateway_pid)
    case "$line" in
      "round "*" direct "*) [ -n "$pid" ] && start=$(snapshot "$pid") ;;
      "round "*" relay "*)
        if [ -n "$pid" ] && [ -n "$start" ]; then
          read -r u0 s0 c0 m0 <<< "$start"; read -r u1 s1 c1 m1 <<< "$(snapshot "$pid")"
          awk -v u=$((u1 - u0)) -v s=$((s1 - s0)) -v c=$((c1 - c0)) -v mc=$((m1 - m0)) -v n="$m" -v hz="$hz" 'BEGIN {
            printf "         gateway per message: user %.0f us, kernel %.0f us, context switches %.1f; machine context switches %.1f\n",
              u / hz * 1e6 / n, s / hz * 1e6 / n, c / n, mc / n }'
        fi
        start="" ;;
    esac
  done
  sleep 0.1
done
wait "$bench_pid" || true
if $profile; then
  [ -s "$work/cpu.collapsed" ] || { echo "no profile written" >&2; exit 1; }
  python3 "$home/bench/profile-summary.py" "$work/cpu.collapsed"
  [ -n "${KEEP_PROFILE:-}" ] && cp "$work/cpu.collapsed" "$KEEP_PROFILE"
fi
exit 0
