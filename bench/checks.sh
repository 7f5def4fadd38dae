#!/usr/bin/env bash
# Transmission checks per transaction against NSD on loopback, warm cache vs cold cache.
#   bench/checks.sh [N]        (needs: apt-get install nsd python3-dkim)
set -euo pipefail
home=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$home"
export PATH="$PATH:/usr/sbin"
mvn -q -B -o -pl rules,policy -DskipTests install test-compile 2>/dev/null || mvn -q -B -pl rules,policy -DskipTests install test-compile
mvn -q -B -o -pl policy dependency:build-classpath -Dmdep.outputFile=/tmp/portcullis-policy.cp >/dev/null
java=java
for j in /usr/lib/jvm/*/bin/java; do [ -x "$j" ] && java=$j; done
exec "$java" -cp "policy/target/classes:policy/target/test-classes:$(cat /tmp/portcullis-policy.cp)" net.portcullis.policy.ChecksBench "${1:-2000}"
