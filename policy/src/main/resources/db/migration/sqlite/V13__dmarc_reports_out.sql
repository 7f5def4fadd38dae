-- DMARC aggregate reports sent (reports.dmarc, docs/reports.md): one per policy domain and
-- period, so that a restart or a second run of `portcullis dmarc report` never sends one twice.
CREATE TABLE dmarc_report_out (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    policy_domain TEXT   NOT NULL,
    period_begin  BIGINT NOT NULL,
    report_id     TEXT   NOT NULL,
    destinations  TEXT   NOT NULL,
    messages      INTEGER NOT NULL,
    sent_at       BIGINT NOT NULL,
    UNIQUE (policy_domain, period_begin)
);
