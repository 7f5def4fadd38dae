-- Local black and white lists, spam reports, and delistings (SQLite form; PostgreSQL has its own file).
CREATE TABLE list_entry (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    color       TEXT    NOT NULL CHECK (color IN ('black', 'white')),
    kind        TEXT    NOT NULL CHECK (kind IN ('ip', 'domain', 'address')),
    value       TEXT    NOT NULL,
    reason      TEXT    NOT NULL,
    source      TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL,
    expires_at  BIGINT,
    UNIQUE (color, kind, value)
);
CREATE TABLE report (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    received_at   BIGINT  NOT NULL,
    reporter      TEXT    NOT NULL,
    feedback_type TEXT    NOT NULL,
    source_ip     TEXT    NOT NULL,
    sender_domain TEXT,
    message_id    TEXT,
    urls          TEXT    NOT NULL,
    message_hash  TEXT    NOT NULL,
    UNIQUE (reporter, message_hash)
);
CREATE INDEX report_source ON report (source_ip, received_at);
CREATE TABLE delisting (
    kind        TEXT   NOT NULL,
    value       TEXT   NOT NULL,
    delisted_at BIGINT NOT NULL,
    delisted_by TEXT   NOT NULL,
    PRIMARY KEY (kind, value)
);
