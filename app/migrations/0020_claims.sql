-- Claims lookup and the explanation of benefits. A claim line carries what the member owes
-- (coinsurance, copay, deductible) and any interest paid, so that
-- paid = allowed - coinsurance - copay - deductible + interest; its reason codes are a CARC
-- (eob_code) and an optional RARC (remark_code), both described in eob_codes.
ALTER TABLE claim_lines ADD COLUMN coinsurance_cents BIGINT NOT NULL DEFAULT 0;
ALTER TABLE claim_lines ADD COLUMN copay_cents BIGINT NOT NULL DEFAULT 0;
ALTER TABLE claim_lines ADD COLUMN deductible_cents BIGINT NOT NULL DEFAULT 0;
ALTER TABLE claim_lines ADD COLUMN interest_cents BIGINT NOT NULL DEFAULT 0;
ALTER TABLE claim_lines ADD COLUMN remark_code TEXT;

-- HCPCS Level II codes with their descriptions (CPT codes have none: they are copyrighted).
CREATE TABLE procedure_codes (
    code TEXT PRIMARY KEY,
    description TEXT NOT NULL
);

-- Lookups by the rendering NPI and a date of service walk this index, as lookups by the
-- billing NPI walk claims_billing_service.
CREATE INDEX claims_service_from ON claims (service_provider_id, service_from, id);
DROP INDEX claims_service_paid;
CREATE INDEX claims_service_paid ON claims (service_provider_id, paid_on, id);
