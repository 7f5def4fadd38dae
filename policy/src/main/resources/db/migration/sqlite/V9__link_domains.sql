-- A fourth kind of list entry, 'link': a domain that links in message bodies point to (fed by
-- spam reports, read by the URIBL check). SQLite cannot change a CHECK constraint in place: the
-- table is rebuilt with every row copied, in the migration's transaction.
CREATE TABLE list_entry_v9 (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    color       TEXT    NOT NULL CHECK (color IN ('black', 'white')),
    kind        TEXT    NOT NULL CHECK (kind IN ('ip', 'domain', 'address', 'link')),
    value       TEXT    NOT NULL,
    reason      TEXT    NOT NULL,
    source      TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL,
    expires_at  BIGINT,
    UNIQUE (color, kind, value)
);
INSERT INTO list_entry_v9 (id, color, kind, value, reason, source, created_at, expires_at)
    SELECT id, color, kind, value, reason, source, created_at, expires_at FROM list_entry;
DROP TABLE list_entry;
ALTER TABLE list_entry_v9 RENAME TO list_entry;
-- the advertised domains of each report (registrable domains of its URLs), for their evidence
CREATE TABLE report_link (
    report_id   BIGINT NOT NULL,
    domain      TEXT   NOT NULL,
    PRIMARY KEY (report_id, domain)
);
CREATE INDEX report_link_domain ON report_link (domain);
