#!/usr/bin/env bash
# Consent lookups with 1M records, embedded SQLite and PostgreSQL (127.0.0.1:5432, database test), cold and warm.
#   bench/consent.sh [RECORDS]
exec "$(dirname "${BASH_SOURCE[0]}")/java-bench.sh" ConsentBench "${1:-1000000}"
