-- Messages held for review (rule action hold): the message itself is a file under var/hold,
-- encrypted; this is what is known of it (SQLite form; PostgreSQL has its own file).
CREATE TABLE held_message (
    ref         TEXT    PRIMARY KEY,
    held_at     BIGINT  NOT NULL,
    client      TEXT    NOT NULL,
    helo        TEXT,
    sender      TEXT    NOT NULL,
    recipients  TEXT    NOT NULL,
    size        BIGINT  NOT NULL,
    rule        TEXT    NOT NULL,
    reason      TEXT    NOT NULL,
    expires_at  BIGINT  NOT NULL,
    state       TEXT    NOT NULL CHECK (state IN ('held', 'released', 'deleted', 'expired')),
    acted_by    TEXT,
    acted_at    BIGINT
);
CREATE INDEX held_message_state ON held_message (state, held_at);
