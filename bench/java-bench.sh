#!/usr/bin/env bash
# Runs a benchmark class of the policy module's test sources on the newest JDK found.
#   bench/java-bench.sh CLASS [ARGS...]      (used by checks.sh, blacklists.sh, consent.sh)
set -euo pipefail
home=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$home"
export PATH="$PATH:/usr/sbin"
mvn -q -B -o -pl rules,policy -DskipTests install test-compile 2>/dev/null || mvn -q -B -pl rules,policy -DskipTests install test-compile
cp=$(mktemp)
trap 'rm -f "$cp"' EXIT
mvn -q -B -o -pl policy dependency:build-classpath -Dmdep.outputFile="$cp" >/dev/null
java=java
for j in /usr/lib/jvm/*/bin/java; do [ -x "$j" ] && java=$j; done
class=$1
shift
"$java" -cp "policy/target/classes:policy/target/test-classes:$(cat "$cp")" "net.portcullis.policy.$class" "$@"
