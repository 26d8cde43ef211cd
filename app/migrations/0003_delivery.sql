-- When a pending message may next be tried (NULL: at once). A failure pushes it back with a
-- growing delay, and a worker about to send one moves it ahead first, so other workers skip it.
ALTER TABLE outbox ADD COLUMN next_attempt_at BIGINT;
