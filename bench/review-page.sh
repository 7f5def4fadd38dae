#!/usr/bin/env bash
# The review page's queries on a store of 1M decisions (embedded SQLite), each against the same on 10k.
#   bench/review-page.sh [DECISIONS]
exec "$(dirname "${BASH_SOURCE[0]}")/java-bench.sh" DecisionStoreBench "${1:-1000000}"
