-- A feedback-loop provider reports for many users: each Original-Rcpt-To counts as a reporter
-- (space-separated here), or, without them, the report counts with the weight configured for
-- its reporter (reports.weights).
ALTER TABLE report ADD COLUMN complainants TEXT NOT NULL DEFAULT '';
ALTER TABLE report ADD COLUMN weight INTEGER NOT NULL DEFAULT 1;
