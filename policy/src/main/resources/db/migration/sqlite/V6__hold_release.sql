-- Releases of a held message to one of its recipients (from the digest's link: once each),
-- and which recipients were told of a held message in a digest (SQLite form; PostgreSQL has its
-- own file).
CREATE TABLE held_recipient (
    ref          TEXT   NOT NULL,
    recipient    TEXT   NOT NULL,
    digested_at  BIGINT,
    released_at  BIGINT,
    PRIMARY KEY (ref, recipient)
);
