-- Opt-in consent as an append-only history of events (never updated in place), and the
-- registry of bulk senders. PostgreSQL form; SQLite has its own file.
CREATE TABLE consent_event (
    id          BIGSERIAL PRIMARY KEY,
    recipient   TEXT    NOT NULL,
    sender      TEXT    NOT NULL,
    action      TEXT    NOT NULL CHECK (action IN ('grant', 'confirm', 'revoke', 'expire')),
    method      TEXT    NOT NULL,
    evidence    TEXT    NOT NULL,
    actor       TEXT    NOT NULL,
    at          BIGINT  NOT NULL,
    valid_until BIGINT
);
CREATE INDEX consent_event_pair ON consent_event (recipient, sender, at, id);
CREATE TABLE bulk_sender (
    domain        TEXT   PRIMARY KEY,
    note          TEXT   NOT NULL,
    registered_at BIGINT NOT NULL,
    registered_by TEXT   NOT NULL
);
