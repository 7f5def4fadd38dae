-- What reviewers did on the review page, with who and why: allowlisting, removing a listing,
-- releasing or deleting held mail (sqlite form; the other store has its own file).
CREATE TABLE review_action (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    at       BIGINT NOT NULL,
    account  TEXT   NOT NULL,
    action   TEXT   NOT NULL,
    target   TEXT   NOT NULL,
    reason   TEXT   NOT NULL,
    outcome  TEXT   NOT NULL
);
CREATE INDEX review_action_at ON review_action (at);
