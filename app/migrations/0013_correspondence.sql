-- "New Correspondence" is what arrived since the user's previous sign-in.
ALTER TABLE users ADD COLUMN signed_in_at BIGINT;
ALTER TABLE users ADD COLUMN previous_sign_in_at BIGINT;

-- The Electronic 1099 Consent Agreement: accepted once per user, withdrawn in My Profile.
ALTER TABLE users ADD COLUMN tax_consent_at BIGINT;

-- Each user's recent correspondence searches in an organization; the newest ten are kept.
CREATE TABLE correspondence_searches (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    npi TEXT NOT NULL,
    correspondence_type TEXT NOT NULL,
    date_range TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    searched_at BIGINT NOT NULL
);
CREATE INDEX correspondence_searches_user ON correspondence_searches (user_id, organization_id, searched_at);

CREATE INDEX correspondence_documents_created ON correspondence_documents (organization_id, created_at);
