-- One store for every multi-step flow's unfinished state: sign-in, organization registration,
-- the access request, the permission wizard, and the modules' wizards after them. A draft is
-- one row per (kind, owner); the owner is the hash of the flow's cookie before sign-in, or the
-- record the draft edits ("membership:12"). The payload is the flow's own JSON.
CREATE TABLE drafts (
    kind TEXT NOT NULL,
    owner TEXT NOT NULL,
    step TEXT NOT NULL,
    payload TEXT NOT NULL,
    updated_by BIGINT REFERENCES users (id),
    updated_at BIGINT NOT NULL,
    -- NULL: kept until the flow finishes or is cancelled.
    expires_at BIGINT,
    PRIMARY KEY (kind, owner)
);
CREATE INDEX drafts_expires_at ON drafts (expires_at);
