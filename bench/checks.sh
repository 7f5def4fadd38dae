#!/usr/bin/env bash
# Transmission checks per transaction against NSD on loopback, warm cache vs cold cache.
#   bench/checks.sh [N]        (needs: apt-get install nsd python3-dkim)
exec "$(dirname "${BASH_SOURCE[0]}")/java-bench.sh" ChecksBench "${1:-2000}"
