-- Second-factor tries per sign-in challenge: five in all, whatever the method.
ALTER TABLE sign_in_challenges ADD COLUMN failures BIGINT NOT NULL DEFAULT 0;

-- The audit log is append-only: no statement may change or remove its rows.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
