-- Transaction Testing: each test file an organization submitted and what the check found
-- (the file itself is not kept).
CREATE TABLE transaction_tests (
    id BIGSERIAL PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    transaction_type TEXT NOT NULL,
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    accepted BIGINT NOT NULL,
    findings TEXT NOT NULL,
    ack TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX transaction_tests_organization ON transaction_tests (organization_id, id);
