# Sourced by the benchmarks: start_nsd starts NSD on a free loopback port, serving the names the
# benchmarks' mail uses (negative answers carry an SOA, so they are cached as from a real
# resolver): smtp-source's sender domain other.org with an SPF record, and the PTR of 127.0.0.1,
# forward-confirmed. Nothing is forwarded anywhere. Needs $work (a temp dir) and the array
# pids (killed by the caller's cleanup); sets dns_port. apt-get install nsd.
start_nsd() {
  command -v nsd >/dev/null || { echo "nsd not found: apt-get install nsd" >&2; exit 2; }
  dns_port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  cat > "$work/other.org.zone" <<ZONE
\$ORIGIN other.org.
\$TTL 300
@    IN SOA ns.other.org. hostmaster.other.org. 1 3600 600 86400 300
@    IN NS  ns
ns   IN A   127.0.0.1
mail IN A   127.0.0.1
@    IN TXT "v=spf1 ip4:127.0.0.0/8 -all"
ZONE
  cat > "$work/127.zone" <<ZONE
\$ORIGIN 0.0.127.in-addr.arpa.
\$TTL 300
@ IN SOA ns.other.org. hostmaster.other.org. 1 3600 600 86400 300
@ IN NS  ns.other.org.
1 IN PTR mail.other.org.
ZONE
  cat > "$work/nsd.conf" <<CONF
server:
  ip-address: 127.0.0.1@$dns_port
  port: $dns_port
  username: ""
  chroot: ""
  database: ""
  zonelistfile: "$work/zone.list"
  xfrdfile: "$work/xfrd.state"
  pidfile: "$work/nsd.pid"
  logfile: "$work/nsd.log"
  server-count: 1
remote-control:
  control-enable: no
zone:
  name: other.org
  zonefile: "$work/other.org.zone"
zone:
  name: 0.0.127.in-addr.arpa
  zonefile: "$work/127.zone"
CONF
  nsd -d -c "$work/nsd.conf" > "$work/nsd.out" 2>&1 & pids+=($!)
}
