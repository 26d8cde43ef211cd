-- Email copies of notifications, per notification and recipient, once sent (alone or in a
-- digest). Inserting the row is the claim: of several app servers, one sends the copy.
CREATE TABLE notification_mail (
    notification_id BIGINT NOT NULL REFERENCES notifications (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    mailed_at BIGINT NOT NULL,
    PRIMARY KEY (notification_id, user_id)
);
CREATE INDEX notifications_kind_created ON notifications (created_at, kind);
