-- One store for every rate limit: a row per counted event, by key ("passcode:sign_in:…",
-- "reset:12", …). Rows older than the longest window are purged by housekeeping.
CREATE TABLE rate_limit_hits (
    id BIGSERIAL PRIMARY KEY,
    key TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX rate_limit_hits_key_at ON rate_limit_hits (key, at);
