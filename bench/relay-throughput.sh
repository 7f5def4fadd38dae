#!/usr/bin/env bash
# Gateway throughput as a ratio of sending straight into smtp-sink, measured in the same run.
#
#   bench/relay-throughput.sh [--no-reuse] [--no-store] [--no-abuse] [relay-bench options, e.g. -m 10000 -s 20 -l 5120 -r 3]
#   --no-store: decisions only to the JSON log, not to the store (log.store: false), to measure what the store costs
#   --no-abuse: every rate limit off (ratelimit.limits.*: off), to measure what counting costs
#   --no-content: the content rules (35-content, 36-antivirus, 37-attachments) overridden empty in a
#              local.d, so that no content check runs: with and without it measures what reading bodies costs
#   --latency RATE: instead of throughput, the end-of-DATA latency the gateway adds at RATE messages
#              a second (bench/latency.py: open-loop load, p50/p90/p99 direct and through the gateway)
#   WARMUP=N (default 10000): messages sent through the gateway before measuring
#   PEER=postfix: first the same rounds through a throwaway Postfix relaying to the same sink (its own
#              configuration, queue and port in a temp dir; needs root): the three rows direct / Postfix / Portcullis
#   PEER=milter: as PEER=postfix, then the same Postfix with the gateway as its milter (smtpd_milters, the
#              gateway's milter.listen on 127.0.0.1:11332): what milter mode costs a Postfix, beside the proxy
#
# Starts NSD on a loopback port (so every DNS look-up stays on this machine), starts the
# gateway on 127.0.0.1:2525 with its downstream at 127.0.0.1:2526, and runs
# ../shared/bench/relay-bench.sh against it (Postfix's smtp-source into smtp-sink). Needs:
# apt-get install postfix nsd (postfix with 'No configuration').
set -euo pipefail
home=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
harness="$home/../shared/bench/relay-bench.sh"
[ -x "$harness" ] || harness="$home/bench/relay-bench.sh"
reuse=true
store=true
abuse=""
latency=""
content=on
while [ "${1:-}" = "--no-reuse" ] || [ "${1:-}" = "--no-store" ] || [ "${1:-}" = "--no-abuse" ] || [ "${1:-}" = "--latency" ] \
      || [ "${1:-}" = "--no-content" ]; do
  case "$1" in
    --no-content) content=off ;;
    --latency) latency=$2; shift ;;
    --no-reuse) reuse=false ;;
    --no-store) store=false ;;
    --no-abuse)
      off=""
      for k in client.connections network.connections client.messages network.messages sender_domain.messages \
               auth_user.messages recipient.messages client.recipients network.recipients sender_domain.recipients \
               auth_user.recipients client.refused_recipients network.refused_recipients client.bytes network.bytes \
               sender_domain.bytes auth_user.bytes; do off="$off${off:+, }$k: off"; done
      abuse="ratelimit: {limits: {$off}}" ;;
  esac
  shift
done
export PATH="$PATH:/usr/sbin"

work=$(mktemp -d); pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true
  if [ -n "${KEEP_LOGS:-}" ]; then cp -r "$work/logs" "$KEEP_LOGS" 2>/dev/null || true; fi   # KEEP_LOGS=DIR: the decision log, for a look at latency_ms
  rm -rf "$work"; }
trap cleanup EXIT

. "$home/bench/nsd-zone.sh"
start_nsd

cat > "$work/gateway.yaml" <<YAML
listen: 127.0.0.1:2525
hostname: mx.example.net
downstream: 127.0.0.1:2526
domains: [example.net]
# smtp-source greets with the machine's short host name, which the default policy refuses from
# untrusted clients (helo-not-a-host-name); as a trusted client every check still runs (the rules
# need their signals), only those refusals do not apply.
trusted_networks: [127.0.0.1/32]
limits: {connections_per_client: 2000}
downstream_options: {reuse: $reuse}
dns: {servers: ["127.0.0.1:$dns_port"], timeout: 2s}
var_dir: $work/var
log: {store: $store}
$abuse
YAML
[ "${PEER:-}" = milter ] && echo 'milter: {listen: "inet:127.0.0.1:11332"}' >> "$work/gateway.yaml"
if [ "$content" = off ]; then
  mkdir -p "$work/local.d"
  for f in 35-content.rules 36-antivirus.rules 37-attachments.rules; do echo "# off for the benchmark" > "$work/local.d/$f"; done
  echo "rules: {directory: $home/conf/rules, local: $work/local.d, lists: $home/conf/lists}" >> "$work/gateway.yaml"
fi
PORTCULLIS_JAVA_OPTS="-Dportcullis.logs=$work/logs ${PORTCULLIS_JAVA_OPTS:-}" \
  "$home/bin/portcullis" serve --config "$work/gateway.yaml" > "$work/gateway.log" 2>&1 & pids+=($!)
for _ in $(seq 200); do (exec 3<>/dev/tcp/127.0.0.1/2525) 2>/dev/null && break; sleep 0.1; done
(exec 3<>/dev/tcp/127.0.0.1/2525) 2>/dev/null || { echo "gateway did not start:"; cat "$work/gateway.log"; exit 1; } >&2

# Warm-up: the JIT compiles the hot paths during the first few thousand messages; measuring
# them would measure the compiler. The harness's own sink is not up yet, so a throwaway sink
# takes these on the same port and is stopped before the measured rounds.
if [ "${WARMUP:-10000}" -gt 0 ]; then
  smtp-sink -u "$(id -un)" 127.0.0.1:2526 1000 >/dev/null 2>&1 & sink=$!
  sleep 0.5
  smtp-source -s 20 -m "${WARMUP:-10000}" -l 5120 -f sender@other.org -t user@example.net 127.0.0.1:2525 || true
  kill "$sink"; wait "$sink" 2>/dev/null || true
  sleep 1
fi
echo "# gateway: downstream reuse=$reuse, decision store=$store, rate limits=${abuse:+off}${abuse:-on}, content checks=$content, $(grep -o 'session threads: .*' "$work/gateway.log" || true)"
# A throwaway Postfix relay to the same sink: NAME PORT [main.cf lines]
postfix_peer() {
  local pf="$work/$1" port=$2 extra=${3:-}
  mkdir -p "$pf/etc" "$pf/data" "$pf/queue"; chown postfix "$pf/data"
  chmod 755 "$work" # Postfix's daemons run as the postfix user: they must reach the queue
  cat > "$pf/etc/main.cf" <<CF
compatibility_level = 3.6
queue_directory = $pf/queue
data_directory = $pf/data
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = relay.example.net
mydestination =
mynetworks = 127.0.0.0/8
relay_domains = example.net
relayhost = [127.0.0.1]:2526
maillog_file = $pf/maillog
maillog_file_prefixes = $pf
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_peername_lookup = no
alias_maps =
alias_database =
$extra
CF
  { echo "127.0.0.1:$port inet n - n - - smtpd"
    for svc in "pickup unix n - n 60 1 pickup" "cleanup unix n - n - 0 cleanup" "qmgr unix n - n 300 1 qmgr" \
               "rewrite unix - - n - - trivial-rewrite" "bounce unix - - n - 0 bounce" "defer unix - - n - 0 bounce" \
               "trace unix - - n - 0 bounce" "verify unix - - n - 1 verify" "flush unix n - n 1000? 0 flush" \
               "proxymap unix - - n - - proxymap" "smtp unix - - n - - smtp" "relay unix - - n - - smtp" \
               "showq unix n - n - - showq" "error unix - - n - - error" "retry unix - - n - - error" \
               "discard unix - - n - - discard" "anvil unix - - n - 1 anvil" "scache unix - - n - 1 scache" \
               "postlog unix-dgram n - n - 1 postlogd"; do echo "$svc"; done; } > "$pf/etc/master.cf"
  /usr/sbin/postfix -c "$pf/etc" start >/dev/null 2>&1 \
    || { echo "postfix did not start (root needed): $(cat "$pf/maillog" 2>/dev/null | tail -3)" >&2; exit 2; }
  stops+=("$pf/etc")
  for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
}
stops=()
trap 'for s in "${stops[@]}"; do /usr/sbin/postfix -c "$s" stop >/dev/null 2>&1 || true; done; cleanup' EXIT
if [ "${PEER:-}" = postfix ] || [ "${PEER:-}" = milter ]; then
  postfix_peer postfix 2527
  echo "# peer: Postfix $(/usr/sbin/postconf -d -h mail_version 2>/dev/null) as a relay (through its queue) on 127.0.0.1:2527"
  "$harness" "$@" 127.0.0.1:2527 | sed 's/relay /postfix /; s/relay_median/postfix_median/'
fi
if [ "${PEER:-}" = milter ]; then
  postfix_peer postfix-milter 2528 "smtpd_milters = inet:127.0.0.1:11332
milter_default_action = tempfail"
  echo "# the same Postfix with Portcullis as its milter (every check, as through the proxy) on 127.0.0.1:2528"
  "$harness" "$@" 127.0.0.1:2528 | sed 's/relay /milter /; s/relay_median/milter_median/'
  echo "# milter decisions: $(cat "$work"/logs/decisions*.jsonl 2>/dev/null | grep -c '"via":"milter"' || true)"
fi
if [ -n "${PEER:-}" ]; then
  echo "# Portcullis:"
fi
if [ -n "$latency" ]; then
  smtp-sink -u "$(id -un)" 127.0.0.1:2526 1000 >/dev/null 2>&1 & pids+=($!)
  sleep 0.5
  python3 "$home/bench/latency.py" --rate "$latency" --seconds "${SECONDS_PER_TARGET:-15}" --sessions 20 --size 5120 \
    127.0.0.1:2526 127.0.0.1:2525
  exit 0
fi
"$harness" "$@" 127.0.0.1:2525
echo "# decision lines written: $(cat "$work"/logs/decisions*.jsonl 2>/dev/null | wc -l)"
