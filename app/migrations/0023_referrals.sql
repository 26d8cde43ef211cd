-- Referrals (prior authorization). A referral is typed in as a server draft (`drafts`, kind
-- 'referral') and becomes a row here only when submitted, with its code; so no row has the
-- status 'draft' any more. Each request carries its decision deadline (72 hours expedited,
-- 7 days standard), any extension with its reason, and the decision: a denial names a
-- reason from the list; an approval runs to `approved_through` (180 days).
ALTER TABLE referrals ADD COLUMN place_of_service TEXT;
ALTER TABLE referrals ADD COLUMN service_address TEXT;
ALTER TABLE referrals ADD COLUMN submitted_on TEXT;
ALTER TABLE referrals ADD COLUMN deadline_at BIGINT;
ALTER TABLE referrals ADD COLUMN extended_at BIGINT;
ALTER TABLE referrals ADD COLUMN extension_reason TEXT;
ALTER TABLE referrals ADD COLUMN appealed_at BIGINT;
ALTER TABLE referrals ADD COLUMN denial_reason TEXT;
ALTER TABLE referrals ADD COLUMN approved_through TEXT;
ALTER TABLE referrals ADD COLUMN decided_by BIGINT REFERENCES users (id);
CREATE INDEX referrals_lookup ON referrals (organization_id, request_date, id);
CREATE INDEX referrals_submitted ON referrals (organization_id, submitted_on, id);
CREATE INDEX referrals_queue ON referrals (status, deadline_at);
CREATE INDEX referrals_decided ON referrals (decided_at);

ALTER TABLE referral_services ADD COLUMN modifier TEXT;
ALTER TABLE referral_services ADD COLUMN answer TEXT;
ALTER TABLE referral_services ADD COLUMN approved_units BIGINT;
ALTER TABLE referral_services ADD COLUMN decision TEXT;
ALTER TABLE referral_services ADD COLUMN decision_description TEXT;

-- The plan's service catalog: what may be requested, for which kind of referral; codes that
-- need no referral are listed (and shown greyed); a code may ask one question, may need a
-- modifier from its list, and behavioral-health ABA codes on the plan's list skip that check.
CREATE TABLE service_catalog (
    code TEXT PRIMARY KEY,
    kind TEXT NOT NULL CONSTRAINT service_catalog_kind_check CHECK (kind IN ('medical', 'behavioral')),
    description TEXT NOT NULL,
    needs_referral BIGINT NOT NULL,
    modifiers TEXT NOT NULL DEFAULT '',
    modifier_exempt BIGINT NOT NULL DEFAULT 0,
    question TEXT
);

CREATE TABLE referral_files (
    referral_id BIGINT NOT NULL REFERENCES referrals (id),
    upload_id BIGINT NOT NULL REFERENCES uploads (id),
    added_at BIGINT NOT NULL,
    PRIMARY KEY (referral_id, upload_id)
);

-- The plan's directory of contracted providers a referral may go to: who they see (ages in
-- whole years, from and below; genders 'F', 'M' or 'FM') and whether their panel is open.
ALTER TABLE providers ADD COLUMN contracted BIGINT NOT NULL DEFAULT 1;
ALTER TABLE providers ADD COLUMN accepting_new_patients BIGINT NOT NULL DEFAULT 1;
ALTER TABLE providers ADD COLUMN min_age BIGINT NOT NULL DEFAULT 0;
ALTER TABLE providers ADD COLUMN max_age BIGINT NOT NULL DEFAULT 150;
ALTER TABLE providers ADD COLUMN genders TEXT NOT NULL DEFAULT 'FM';
CREATE INDEX providers_specialty ON providers (specialty);
