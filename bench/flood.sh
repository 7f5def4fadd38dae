#!/usr/bin/env bash
# A flood from 50 loopback addresses against the gateway (shipped rules, default rate limits)
# while a normal client sends a message a second: what the flood got, and the normal client's
# latency against the same client alone at the start of the run. Loopback only.
#   bench/flood.sh [SECONDS]
set -euo pipefail
home=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$home"
mvn -q -B -o -DskipTests install 2>/dev/null || mvn -q -B -DskipTests install
mvn -q -B -o -pl gateway test-compile
cp=$(mktemp)
trap 'rm -f "$cp"' EXIT
mvn -q -B -o -pl gateway dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp" >/dev/null
java=java
for j in /usr/lib/jvm/*/bin/java; do [ -x "$j" ] && java=$j; done
cd gateway
"$java" -cp "target/classes:target/test-classes:$(cat "$cp")" net.portcullis.gateway.proxy.FloodBench "${1:-20}" 2> >(grep -v WARN >&2)
