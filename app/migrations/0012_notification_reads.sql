-- Which notifications each user has read: a notification may be for the whole organization
-- (no user), so the read mark is per user, not on the notification.
CREATE TABLE notification_reads (
    notification_id BIGINT NOT NULL REFERENCES notifications (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    read_at BIGINT NOT NULL,
    PRIMARY KEY (notification_id, user_id)
);
CREATE INDEX notifications_user ON notifications (user_id, created_at);
