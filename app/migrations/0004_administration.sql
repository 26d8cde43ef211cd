-- Organization administration: added users awaiting permissions, the permission wizard's
-- drafts, the history of every change to a user, removed email domains, and email changes
-- awaiting confirmation by the new address.

-- Set when an administrator adds a user; cleared when permissions are first assigned.
ALTER TABLE memberships ADD COLUMN awaiting_permissions_since BIGINT;

CREATE TABLE permission_drafts (
    membership_id BIGINT PRIMARY KEY REFERENCES memberships (id),
    step BIGINT NOT NULL,
    data TEXT NOT NULL,
    updated_by BIGINT NOT NULL REFERENCES users (id),
    updated_at BIGINT NOT NULL
);

CREATE TABLE user_changes (
    id BIGSERIAL PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    changed_by BIGINT REFERENCES users (id),
    at BIGINT NOT NULL,
    action TEXT NOT NULL,
    before_value TEXT NOT NULL,
    after_value TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX user_changes_user ON user_changes (organization_id, user_id, id);

CREATE TABLE removed_domains (
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    domain TEXT NOT NULL,
    removed_by BIGINT NOT NULL REFERENCES users (id),
    removed_at BIGINT NOT NULL,
    PRIMARY KEY (organization_id, domain)
);

CREATE TABLE email_changes (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    new_email TEXT NOT NULL,
    secret_hash TEXT NOT NULL CONSTRAINT email_changes_secret_unique UNIQUE,
    requested_by BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    voided_at BIGINT
);
CREATE INDEX email_changes_user ON email_changes (user_id);

-- "Verify Users": when each user was last confirmed; removal with its separation date.
ALTER TABLE memberships ADD COLUMN verified_at BIGINT;
ALTER TABLE memberships ADD COLUMN separation_date TEXT;
ALTER TABLE memberships ADD COLUMN removal_reason TEXT;
-- Verification finished after the deadline, waiting for the plan to reinstate the office.
ALTER TABLE organizations ADD COLUMN verification_submitted_at BIGINT;

-- The role whose training the user completed ('staff' or 'admin', whose training has more).
ALTER TABLE users ADD COLUMN training_role TEXT;
