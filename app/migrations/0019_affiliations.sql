-- Affiliations between provider offices and the submitters (billing agents) who send their
-- transactions: asked for by the submitter with its signed agreement, approved by the
-- provider with its own signature, or denied. At most one open (pending or active) per pair.
CREATE TABLE affiliations (
    id BIGSERIAL PRIMARY KEY,
    provider_organization_id BIGINT NOT NULL REFERENCES organizations (id),
    submitter_organization_id BIGINT NOT NULL REFERENCES organizations (id),
    status TEXT NOT NULL CONSTRAINT affiliations_status_check CHECK (status IN ('pending', 'active', 'denied')),
    requested_by BIGINT NOT NULL REFERENCES users (id),
    requested_at BIGINT NOT NULL,
    submitter_signer TEXT NOT NULL,
    submitter_role TEXT NOT NULL,
    provider_signer TEXT,
    provider_role TEXT,
    decided_by BIGINT REFERENCES users (id),
    decided_at BIGINT
);
CREATE UNIQUE INDEX affiliations_open ON affiliations (provider_organization_id, submitter_organization_id)
    WHERE status IN ('pending', 'active');
CREATE INDEX affiliations_submitter ON affiliations (submitter_organization_id, status);

-- A submitter may keep itself out of the Submitter Directory.
ALTER TABLE organizations ADD COLUMN directory_hidden BIGINT NOT NULL DEFAULT 0;

-- "835 Receivers": which actively affiliated submitter receives an NPI's 835 remittance.
CREATE TABLE npi_835_receivers (
    provider_id BIGINT PRIMARY KEY REFERENCES providers (id),
    submitter_organization_id BIGINT NOT NULL REFERENCES organizations (id),
    set_by BIGINT NOT NULL REFERENCES users (id),
    set_at BIGINT NOT NULL
);
