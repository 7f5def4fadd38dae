#!/usr/bin/env bash
# Rule evaluation cost per transaction with N rules loaded (default 500), against no rules.
#   bench/rules-eval.sh [N]
set -euo pipefail
home=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$home"
[ -d rules/target/test-classes ] || mvn -q -B -pl rules test-compile
java=${JAVA:-java}
for j in /usr/lib/jvm/*/bin/java; do [ -x "$j" ] && java=$j; done
exec "$java" -cp rules/target/classes:rules/target/test-classes net.portcullis.rules.RuleEvalBench "${1:-500}"
