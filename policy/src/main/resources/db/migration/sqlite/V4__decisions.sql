-- The decision log in the store, for `portcullis log` and the review page (SQLite form;
-- PostgreSQL has its own file). One row per decision, the JSON line kept whole; recipients
-- in a table of their own so that a search by recipient uses an index.
CREATE TABLE decision (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    ref        TEXT    NOT NULL,
    at         BIGINT  NOT NULL,
    event      TEXT    NOT NULL,
    client     TEXT,
    sender     TEXT,
    verdict    TEXT,
    decided_by TEXT,
    record     TEXT    NOT NULL
);
CREATE INDEX decision_ref ON decision (ref);
CREATE INDEX decision_at ON decision (at);
CREATE INDEX decision_client ON decision (client, at);
CREATE INDEX decision_sender ON decision (sender, at);
CREATE INDEX decision_verdict ON decision (verdict, at);
CREATE INDEX decision_rule ON decision (decided_by, at);
CREATE TABLE decision_rcpt (
    decision_id INTEGER NOT NULL REFERENCES decision (id) ON DELETE CASCADE,
    address     TEXT    NOT NULL
);
CREATE INDEX decision_rcpt_address ON decision_rcpt (address);
CREATE INDEX decision_rcpt_decision ON decision_rcpt (decision_id);
