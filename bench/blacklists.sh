#!/usr/bin/env bash
# DNSBL lookups (5 zones on NSD, warm and cold cache) and 1M-entry local list lookups.
#   bench/blacklists.sh        (needs: apt-get install nsd)
exec "$(dirname "${BASH_SOURCE[0]}")/java-bench.sh" BlacklistBench
