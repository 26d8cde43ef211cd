-- Second-factor tries per sign-in challenge: five in all, whatever the method.
ALTER TABLE sign_in_challenges ADD COLUMN failures BIGINT NOT NULL DEFAULT 0;

-- The audit log is append-only: no statement may change or remove its rows.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
