-- Reputation that decays (docs/reports.md "Reputation"): per client address, network, sender
-- domain and advertised domain, a bad and a good total, each halved every reputation.half_life.
-- The totals are as of updated_at; readers decay them to their own time.
CREATE TABLE reputation (
    kind       TEXT   NOT NULL,
    subject    TEXT   NOT NULL,
    bad        DOUBLE PRECISION NOT NULL,
    good       DOUBLE PRECISION NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (kind, subject)
);
