-- Reports back to the networks spam came from (abuse_reports:, docs/reports.md "Networks hear
-- back"). The reported message's header block, with our users' addresses redacted (RFC 6590),
-- is kept with a report only while abuse_reports is on: it is what goes out with the report.
ALTER TABLE report ADD COLUMN headers TEXT;

-- One row per confirmed source: pending until sent (or found to have no contact, or opted out).
CREATE TABLE abuse_report_out (
    id          BIGSERIAL PRIMARY KEY,
    source_ip   TEXT   NOT NULL,
    state       TEXT   NOT NULL CHECK (state IN ('pending', 'sent', 'no-contact', 'opted-out')),
    created_at  BIGINT NOT NULL,
    contact     TEXT,
    contact_via TEXT,
    incidents   INTEGER,
    sent_at     BIGINT,
    message_id  TEXT,
    note        TEXT
);
CREATE INDEX abuse_report_out_source ON abuse_report_out (source_ip, created_at);
CREATE INDEX abuse_report_out_state ON abuse_report_out (state);
CREATE INDEX abuse_report_out_contact ON abuse_report_out (contact, sent_at);
