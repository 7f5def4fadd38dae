#!/usr/bin/env bash
# Consent lookups with 1M records, embedded SQLite and PostgreSQL (127.0.0.1:5432, database test), cold and warm.
#   bench/consent.sh [RECORDS]
set -euo pipefail
home=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$home"
export PATH="$PATH:/usr/sbin"
mvn -q -B -o -pl rules,policy -DskipTests install test-compile 2>/dev/null || mvn -q -B -pl rules,policy -DskipTests install test-compile
mvn -q -B -o -pl policy dependency:build-classpath -Dmdep.outputFile=/tmp/portcullis-policy.cp >/dev/null
java=java
for j in /usr/lib/jvm/*/bin/java; do [ -x "$j" ] && java=$j; done
exec "$java" -cp "policy/target/classes:policy/target/test-classes:$(cat /tmp/portcullis-policy.cp)" net.portcullis.policy.ConsentBench "${1:-1000000}"
