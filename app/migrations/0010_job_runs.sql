-- Scheduled work, one row per job and period: the instance whose insert lands runs it, so
-- with several app servers each job runs once a period. Rows older than 30 days are purged.
CREATE TABLE job_runs (
    name TEXT NOT NULL,
    period BIGINT NOT NULL,
    started_at BIGINT NOT NULL,
    PRIMARY KEY (name, period)
);
