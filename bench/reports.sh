#!/usr/bin/env bash
# The report loop's costs as ratios in one run: report intake per second (parse only as the
# baseline; taken in on SQLite, and on PostgreSQL with PORTCULLIS_TEST_PG_URL), and a peer feed's
# refresh (unchanged 304 as the baseline; a changed feed of 10,000 entries fetched and checked).
#   bench/reports.sh [REPORTS]
exec "$(dirname "${BASH_SOURCE[0]}")/java-bench.sh" ReportsBench "${1:-2000}"
