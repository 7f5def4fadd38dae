-- A fourth kind of list entry, 'link': a domain that links in message bodies point to (fed by
-- spam reports, read by the URIBL check).
ALTER TABLE list_entry DROP CONSTRAINT list_entry_kind_check;
ALTER TABLE list_entry ADD CONSTRAINT list_entry_kind_check CHECK (kind IN ('ip', 'domain', 'address', 'link'));
-- the advertised domains of each report (registrable domains of its URLs), for their evidence
CREATE TABLE report_link (
    report_id   BIGINT NOT NULL,
    domain      TEXT   NOT NULL,
    PRIMARY KEY (report_id, domain)
);
CREATE INDEX report_link_domain ON report_link (domain);
