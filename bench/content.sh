#!/usr/bin/env bash
# The content checks' cost per message over the spamham corpus, as ratios against the header check
# in the same run: link extraction, the URIBL check with look-ups against NSD (warm cache), the
# attachment check; clamd too when CLAMD=host:port names a running one.
#   bench/content.sh [ROUNDS]        (needs: apt-get install nsd)
exec "$(dirname "${BASH_SOURCE[0]}")/java-bench.sh" ContentBench "${1:-20}"
