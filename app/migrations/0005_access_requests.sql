-- Access requests (guide 002 §I and §IV.4, guide 004 §III): a person asks to join a provider
-- office, either as a new user ("Register as a New User") or, signed in, from "My
-- Collections"; the office's Org Admins accept or decline in their Task List.

CREATE TABLE access_requests (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL CONSTRAINT access_requests_kind_check CHECK (kind IN ('new_user', 'collection')),
    -- The unsubmitted request of a new user, found by the hash of its cookie.
    draft_hash TEXT CONSTRAINT access_requests_draft_unique UNIQUE,
    step TEXT NOT NULL CONSTRAINT access_requests_step_check CHECK (step IN ('verify', 'terms', 'provider', 'review', 'submitted')),
    status TEXT NOT NULL CONSTRAINT access_requests_status_check CHECK (status IN ('draft', 'pending', 'accepted', 'declined')),
    user_id BIGINT REFERENCES users (id),
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    email TEXT NOT NULL,
    mobile TEXT NOT NULL,
    provider_address TEXT NOT NULL,
    position TEXT NOT NULL,
    position_other TEXT,
    provider_id BIGINT REFERENCES providers (id),
    organization_id BIGINT REFERENCES organizations (id),
    decided_by BIGINT REFERENCES users (id),
    decided_at BIGINT,
    decline_reason TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    submitted_at BIGINT
);
CREATE INDEX access_requests_organization ON access_requests (organization_id, status, submitted_at);
CREATE INDEX access_requests_user ON access_requests (user_id);
