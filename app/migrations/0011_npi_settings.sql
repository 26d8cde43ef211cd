-- "NPI Agreements and Settings": the X12 transactions each NPI may send, as the plan enrolled
-- it (270/271 eligibility, 276/277 claim status, 837P/837I claims, 835 remittance).
CREATE TABLE provider_transactions (
    provider_id BIGINT NOT NULL REFERENCES providers (id),
    transaction_set TEXT NOT NULL,
    PRIMARY KEY (provider_id, transaction_set)
);
