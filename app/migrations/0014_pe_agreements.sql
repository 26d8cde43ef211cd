-- Presumptive Eligibility Provider Agreements, signed electronically by an Admin of the NPI:
-- who signed (name and title as typed, and the account), when, and from which address.
CREATE TABLE pe_agreements (
    provider_id BIGINT NOT NULL REFERENCES providers (id),
    version TEXT NOT NULL,
    signer_user_id BIGINT NOT NULL REFERENCES users (id),
    signer_name TEXT NOT NULL,
    signer_title TEXT NOT NULL,
    signed_at BIGINT NOT NULL,
    signed_from TEXT NOT NULL,
    PRIMARY KEY (provider_id, version)
);
