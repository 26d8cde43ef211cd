-- My Dashboard's Claims Paid chart sums a year of paid amounts over the claims a member's NPIs
-- billed or rendered. With the amount in the index, that reads the index alone instead of
-- every claim's row; the lookups by paid date walk the same indexes as before.
DROP INDEX claims_billing_paid;
CREATE INDEX claims_billing_paid ON claims (billing_provider_id, paid_on, id, paid_cents);
DROP INDEX claims_service_paid;
CREATE INDEX claims_service_paid ON claims (service_provider_id, paid_on, id, paid_cents);
