-- Core schema. Written once for both databases: integers are BIGINT (timestamps are UTC
-- seconds, flags 0/1), dates are ISO text; "BIGSERIAL PRIMARY KEY" and "BYTEA" are
-- rewritten for SQLite when the migration is loaded.

CREATE TABLE organizations (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CONSTRAINT organizations_kind_check CHECK (kind IN ('provider', 'submitter', 'network')),
    tax_id TEXT NOT NULL,
    pay_to_zip TEXT NOT NULL,
    address_line1 TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT 'CA',
    phone TEXT,
    submitter_id TEXT,
    registered_at BIGINT,
    access_agreement_at BIGINT,
    verified_at BIGINT,
    suspended_at BIGINT,
    paperless_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX organizations_tax_id ON organizations (tax_id);
CREATE INDEX organizations_name ON organizations (name);

CREATE TABLE providers (
    id BIGSERIAL PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    npi TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CONSTRAINT providers_kind_check CHECK (kind IN ('practitioner', 'group', 'facility')),
    specialty TEXT NOT NULL DEFAULT '',
    address_line1 TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    zip TEXT NOT NULL DEFAULT '',
    phone TEXT,
    fax TEXT,
    is_tertiary BIGINT NOT NULL DEFAULT 0,
    pin_ciphertext TEXT,
    pin_reset_at BIGINT,
    created_at BIGINT NOT NULL,
    CONSTRAINT providers_npi_unique UNIQUE (organization_id, npi)
);
CREATE INDEX providers_npi ON providers (npi);
CREATE INDEX providers_name ON providers (name);

CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    email TEXT NOT NULL CONSTRAINT users_email_unique UNIQUE,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    phone TEXT,
    business_phone TEXT,
    password_hash TEXT,
    password_changed_at BIGINT,
    passkey_ciphertext TEXT,
    totp_secret_ciphertext TEXT,
    totp_last_step BIGINT,
    is_operator BIGINT NOT NULL DEFAULT 0,
    failed_logins BIGINT NOT NULL DEFAULT 0,
    lifetime_failed_logins BIGINT NOT NULL DEFAULT 0,
    locked_until BIGINT,
    training_completed_at BIGINT,
    created_at BIGINT NOT NULL
);

CREATE TABLE memberships (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    org_role TEXT NOT NULL CONSTRAINT memberships_role_check CHECK (org_role IN ('admin', 'processor', 'none')),
    status TEXT NOT NULL CONSTRAINT memberships_status_check CHECK (status IN ('pending', 'active', 'deactivated', 'removed')),
    role_preset TEXT,
    position TEXT,
    position_other TEXT,
    is_default BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT memberships_user_org_unique UNIQUE (user_id, organization_id)
);
CREATE INDEX memberships_organization ON memberships (organization_id, status);

CREATE TABLE npi_permissions (
    membership_id BIGINT NOT NULL REFERENCES memberships (id),
    provider_id BIGINT NOT NULL REFERENCES providers (id),
    level TEXT NOT NULL CONSTRAINT npi_permissions_level_check CHECK (level IN ('admin', 'processor')),
    PRIMARY KEY (membership_id, provider_id)
);

CREATE TABLE correspondence_permissions (
    membership_id BIGINT NOT NULL REFERENCES memberships (id),
    provider_id BIGINT NOT NULL REFERENCES providers (id),
    correspondence_type TEXT NOT NULL,
    PRIMARY KEY (membership_id, provider_id, correspondence_type)
);

CREATE TABLE module_permissions (
    membership_id BIGINT NOT NULL REFERENCES memberships (id),
    module TEXT NOT NULL CONSTRAINT module_permissions_module_check CHECK (module IN (
        'eligibility', 'claims', 'disputes', 'referrals_view', 'referrals_submit', 'roster', 'reports', 'attestations')),
    PRIMARY KEY (membership_id, module)
);

CREATE TABLE secure_tokens (
    id BIGSERIAL PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    token_hash TEXT NOT NULL CONSTRAINT secure_tokens_hash_unique UNIQUE,
    issued_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    failed_attempts BIGINT NOT NULL DEFAULT 0,
    locked_until BIGINT,
    issued_by BIGINT REFERENCES users (id)
);
CREATE INDEX secure_tokens_organization ON secure_tokens (organization_id);

CREATE TABLE members (
    id BIGSERIAL PRIMARY KEY,
    cin TEXT NOT NULL CONSTRAINT members_cin_unique UNIQUE,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    date_of_birth TEXT NOT NULL,
    gender TEXT NOT NULL,
    address_line1 TEXT NOT NULL,
    city TEXT NOT NULL,
    zip TEXT NOT NULL,
    phone TEXT,
    email TEXT,
    line_of_business TEXT NOT NULL,
    health_network TEXT,
    pcp_provider_id BIGINT REFERENCES providers (id),
    eligible_from TEXT NOT NULL,
    eligible_to TEXT
);
CREATE INDEX members_name ON members (last_name, first_name, date_of_birth);
CREATE INDEX members_pcp ON members (pcp_provider_id);

CREATE TABLE claims (
    id BIGSERIAL PRIMARY KEY,
    claim_number TEXT NOT NULL CONSTRAINT claims_number_unique UNIQUE,
    member_id BIGINT NOT NULL REFERENCES members (id),
    billing_provider_id BIGINT NOT NULL REFERENCES providers (id),
    service_provider_id BIGINT NOT NULL REFERENCES providers (id),
    status TEXT NOT NULL CONSTRAINT claims_status_check CHECK (status IN ('in_progress', 'check_pending', 'finalized', 'original')),
    line_of_business TEXT NOT NULL,
    service_from TEXT NOT NULL,
    service_to TEXT NOT NULL,
    received_on TEXT NOT NULL,
    paid_on TEXT,
    billed_cents BIGINT NOT NULL,
    paid_cents BIGINT NOT NULL,
    check_number TEXT,
    patient_account TEXT NOT NULL,
    delegated_network TEXT
);
CREATE INDEX claims_billing_service ON claims (billing_provider_id, service_from, id);
CREATE INDEX claims_billing_paid ON claims (billing_provider_id, paid_on, id);
CREATE INDEX claims_member ON claims (member_id, service_from);

CREATE TABLE claim_lines (
    claim_id BIGINT NOT NULL REFERENCES claims (id),
    line_number BIGINT NOT NULL,
    procedure_code TEXT NOT NULL,
    modifier TEXT,
    units BIGINT NOT NULL,
    service_from TEXT NOT NULL,
    service_to TEXT NOT NULL,
    billed_cents BIGINT NOT NULL,
    allowed_cents BIGINT NOT NULL,
    paid_cents BIGINT NOT NULL,
    eob_code TEXT,
    PRIMARY KEY (claim_id, line_number)
);

CREATE TABLE claim_diagnoses (
    claim_id BIGINT NOT NULL REFERENCES claims (id),
    sequence BIGINT NOT NULL,
    icd_code TEXT NOT NULL,
    PRIMARY KEY (claim_id, sequence)
);

-- Explanation of benefits codes, printed on the EOB and the remittance advice.
CREATE TABLE eob_codes (
    code TEXT PRIMARY KEY,
    description TEXT NOT NULL
);

CREATE TABLE icd_codes (
    code TEXT PRIMARY KEY,
    description TEXT NOT NULL
);

CREATE TABLE referrals (
    id BIGSERIAL PRIMARY KEY,
    code TEXT CONSTRAINT referrals_code_unique UNIQUE,
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    member_id BIGINT REFERENCES members (id),
    referring_provider_id BIGINT REFERENCES providers (id),
    referred_to_provider_id BIGINT REFERENCES providers (id),
    kind TEXT CONSTRAINT referrals_kind_check CHECK (kind IN ('medical', 'behavioral')),
    priority TEXT CONSTRAINT referrals_priority_check CHECK (priority IN ('routine', 'retro', 'urgent')),
    status TEXT NOT NULL CONSTRAINT referrals_status_check CHECK (status IN ('draft', 'pending', 'approved', 'denied', 'modified', 'void')),
    request_date TEXT,
    ok_to_redirect BIGINT,
    justification TEXT,
    clinical_indications TEXT,
    decision_note TEXT,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    submitted_at BIGINT,
    decided_at BIGINT
);
CREATE INDEX referrals_organization ON referrals (organization_id, status, request_date);
CREATE INDEX referrals_member ON referrals (member_id);

CREATE TABLE referral_services (
    referral_id BIGINT NOT NULL REFERENCES referrals (id),
    sequence BIGINT NOT NULL,
    service_code TEXT NOT NULL,
    place_of_service TEXT NOT NULL,
    units BIGINT NOT NULL,
    PRIMARY KEY (referral_id, sequence)
);

CREATE TABLE referral_diagnoses (
    referral_id BIGINT NOT NULL REFERENCES referrals (id),
    sequence BIGINT NOT NULL,
    icd_code TEXT NOT NULL,
    PRIMARY KEY (referral_id, sequence)
);

CREATE TABLE correspondence_documents (
    id BIGSERIAL PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    provider_id BIGINT NOT NULL REFERENCES providers (id),
    correspondence_type TEXT NOT NULL,
    title TEXT NOT NULL,
    document_date TEXT NOT NULL,
    content BYTEA NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX correspondence_documents_provider ON correspondence_documents (provider_id, correspondence_type, document_date);

CREATE TABLE notifications (
    id BIGSERIAL PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    user_id BIGINT REFERENCES users (id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    link TEXT,
    created_at BIGINT NOT NULL,
    read_at BIGINT
);
CREATE INDEX notifications_organization ON notifications (organization_id, created_at);

CREATE TABLE banners (
    id BIGSERIAL PRIMARY KEY,
    message TEXT NOT NULL,
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL
);

CREATE TABLE banner_dismissals (
    banner_id BIGINT NOT NULL REFERENCES banners (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    dismissed_at BIGINT NOT NULL,
    PRIMARY KEY (banner_id, user_id)
);

-- Every outgoing email, SMS, voice call and postal letter.
CREATE TABLE outbox (
    id BIGSERIAL PRIMARY KEY,
    channel TEXT NOT NULL CONSTRAINT outbox_channel_check CHECK (channel IN ('email', 'sms', 'voice', 'postal')),
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    links TEXT NOT NULL,
    codes TEXT NOT NULL,
    attachment BYTEA,
    attachment_name TEXT,
    status TEXT NOT NULL CONSTRAINT outbox_status_check CHECK (status IN ('pending', 'sent', 'failed')),
    attempts BIGINT NOT NULL DEFAULT 0,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    sent_at BIGINT
);
CREATE INDEX outbox_pending ON outbox (status, id);

-- Append-only: the application never updates or deletes these rows.
CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    at BIGINT NOT NULL,
    user_id BIGINT,
    organization_id BIGINT,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL,
    ip TEXT
);
CREATE INDEX audit_log_organization ON audit_log (organization_id, at);
CREATE INDEX audit_log_user ON audit_log (user_id, at);

CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    organization_id BIGINT REFERENCES organizations (id),
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    step_up_at BIGINT,
    ip TEXT,
    user_agent TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);
