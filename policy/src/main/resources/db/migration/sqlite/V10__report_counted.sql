-- A report is always kept, but some count for nothing: about mail we never saw (no Received
-- field of ours and no Source-IP, or our reference with no decision behind it), or past its
-- reporter's daily cap. `uncounted` says why (null: it counts); `ref` is our Received field's
-- id, which leads from a report to the decision on its message.
ALTER TABLE report ADD COLUMN ref TEXT;
ALTER TABLE report ADD COLUMN uncounted TEXT;
CREATE INDEX report_reporter ON report (reporter, received_at);
CREATE INDEX report_received ON report (received_at);
CREATE INDEX report_ref ON report (ref);
