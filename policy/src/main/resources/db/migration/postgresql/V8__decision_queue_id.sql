-- The MTA's queue id of a decision asked over milter, so that a line of the MTA's log leads to
-- its decision (`portcullis log query --queue-id`). Null for the in-line proxy's decisions.
ALTER TABLE decision ADD COLUMN queue_id TEXT;
CREATE INDEX decision_queue_id ON decision (queue_id);
