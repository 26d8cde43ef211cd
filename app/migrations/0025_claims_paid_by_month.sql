-- My Dashboard's Claims Paid chart counts each claim once: the claims a member's NPIs billed,
-- then those they rendered but none of them billed. With the billing provider in the rendering
-- side's index, that second test reads the index too, and no claim row is visited.
DROP INDEX claims_service_paid;
CREATE INDEX claims_service_paid ON claims (service_provider_id, paid_on, id, paid_cents, billing_provider_id);
