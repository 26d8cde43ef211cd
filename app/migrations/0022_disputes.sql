-- Provider claim disputes: one per claim, with its files, acknowledged and resolved by the
-- plan. The number is given when it is submitted.
CREATE TABLE disputes (
    id BIGSERIAL PRIMARY KEY,
    number TEXT CONSTRAINT disputes_number_unique UNIQUE,
    claim_id BIGINT NOT NULL REFERENCES claims (id),
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    status TEXT NOT NULL CONSTRAINT disputes_status_check CHECK (status IN ('submitted', 'acknowledged', 'resolved')),
    description TEXT NOT NULL,
    expected_outcome TEXT NOT NULL,
    contact_name TEXT NOT NULL,
    contact_email TEXT NOT NULL,
    contact_title TEXT,
    contact_phone TEXT NOT NULL,
    contact_fax TEXT,
    submitted_by BIGINT NOT NULL REFERENCES users (id),
    submitted_at BIGINT NOT NULL,
    acknowledged_by BIGINT REFERENCES users (id),
    acknowledged_at BIGINT,
    resolved_by BIGINT REFERENCES users (id),
    resolved_at BIGINT,
    resolution TEXT,
    resolution_document_id BIGINT REFERENCES correspondence_documents (id),
    CONSTRAINT disputes_claim_unique UNIQUE (claim_id)
);
CREATE INDEX disputes_organization ON disputes (organization_id, submitted_at);
CREATE INDEX disputes_open ON disputes (status, submitted_at);

CREATE TABLE dispute_files (
    dispute_id BIGINT NOT NULL REFERENCES disputes (id),
    upload_id BIGINT NOT NULL REFERENCES uploads (id),
    added_at BIGINT NOT NULL,
    PRIMARY KEY (dispute_id, upload_id)
);
