-- My Dashboard's Claims Paid chart read a year of claims on every visit: 155 ms at a million
-- claims. It now reads each day's sum per billing and rendering provider, kept here by a
-- trigger whatever writes the claims (the plan's feed, the demo data): a few hundred rows a
-- year for an office, whatever its number of claims.
CREATE TABLE claims_paid_daily (
    billing_provider_id BIGINT NOT NULL,
    service_provider_id BIGINT NOT NULL,
    paid_on TEXT NOT NULL,
    paid_cents BIGINT NOT NULL,
    claim_count BIGINT NOT NULL,
    PRIMARY KEY (billing_provider_id, paid_on, service_provider_id)
);
-- The chart's second half: days an NPI rendered, with who billed them.
CREATE INDEX claims_paid_daily_service ON claims_paid_daily (service_provider_id, paid_on, billing_provider_id, paid_cents);

INSERT INTO claims_paid_daily (billing_provider_id, service_provider_id, paid_on, paid_cents, claim_count)
SELECT billing_provider_id, service_provider_id, paid_on, SUM(paid_cents), COUNT(*)
FROM claims WHERE paid_on IS NOT NULL
GROUP BY billing_provider_id, service_provider_id, paid_on;

-- A claim leaves its old day (a row whose last claim left goes) and joins its new one.
CREATE FUNCTION claims_paid_daily_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.paid_on IS NOT NULL THEN
        UPDATE claims_paid_daily
        SET paid_cents = paid_cents - OLD.paid_cents, claim_count = claim_count - 1
        WHERE billing_provider_id = OLD.billing_provider_id
          AND service_provider_id = OLD.service_provider_id AND paid_on = OLD.paid_on;
        DELETE FROM claims_paid_daily
        WHERE billing_provider_id = OLD.billing_provider_id
          AND service_provider_id = OLD.service_provider_id AND paid_on = OLD.paid_on
          AND claim_count = 0;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.paid_on IS NOT NULL THEN
        INSERT INTO claims_paid_daily (billing_provider_id, service_provider_id, paid_on, paid_cents, claim_count)
        VALUES (NEW.billing_provider_id, NEW.service_provider_id, NEW.paid_on, NEW.paid_cents, 1)
        ON CONFLICT (billing_provider_id, paid_on, service_provider_id) DO UPDATE
        SET paid_cents = claims_paid_daily.paid_cents + EXCLUDED.paid_cents,
            claim_count = claims_paid_daily.claim_count + 1;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER claims_paid_daily_follow
AFTER INSERT OR DELETE OR UPDATE OF billing_provider_id, service_provider_id, paid_on, paid_cents ON claims
FOR EACH ROW EXECUTE FUNCTION claims_paid_daily_follow();
