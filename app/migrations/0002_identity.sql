-- Identity: registration drafts, one-time passcodes, set-password links, password history,
-- sign-in challenges between the password and the passcode.

CREATE TABLE registration_drafts (
    id_hash TEXT PRIMARY KEY,
    token_id BIGINT NOT NULL REFERENCES secure_tokens (id),
    step TEXT NOT NULL CONSTRAINT registration_drafts_step_check CHECK (step IN ('terms', 'account', 'passcode', 'conditions', 'complete')),
    email TEXT,
    first_name TEXT,
    last_name TEXT,
    contact_email TEXT,
    phone TEXT,
    channel TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE TABLE passcodes (
    id BIGSERIAL PRIMARY KEY,
    purpose TEXT NOT NULL,
    subject TEXT NOT NULL,
    prefix TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    channel TEXT NOT NULL,
    destination TEXT NOT NULL,
    failures BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    voided_at BIGINT
);
CREATE INDEX passcodes_subject ON passcodes (purpose, subject, id);

CREATE TABLE password_links (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    purpose TEXT NOT NULL CONSTRAINT password_links_purpose_check CHECK (purpose IN ('registration', 'reset', 'invitation')),
    secret_hash TEXT NOT NULL CONSTRAINT password_links_secret_unique UNIQUE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    passcode_verified_at BIGINT,
    used_at BIGINT,
    voided_at BIGINT
);
CREATE INDEX password_links_user ON password_links (user_id);

CREATE TABLE password_history (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    password_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX password_history_user ON password_history (user_id, id);

CREATE TABLE sign_in_challenges (
    id_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

ALTER TABLE organizations ADD COLUMN contact_email TEXT;

-- Per user and notification type: how often, and whether also by email.
CREATE TABLE notification_preferences (
    user_id BIGINT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    frequency TEXT NOT NULL CONSTRAINT notification_preferences_frequency_check CHECK (frequency IN ('immediately', 'daily', 'weekly', 'off')),
    email BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, kind)
);

-- An authenticator app being enrolled, until its first code confirms it.
ALTER TABLE users ADD COLUMN totp_pending_ciphertext TEXT;
