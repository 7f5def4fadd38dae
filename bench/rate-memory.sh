#!/usr/bin/env bash
# Heap taken by the rate limits per tracked client (default limits), against the addresses alone.
#   bench/rate-memory.sh [CLIENTS]
exec "$(dirname "${BASH_SOURCE[0]}")/java-bench.sh" RateMemoryBench "${1:-100000}"
