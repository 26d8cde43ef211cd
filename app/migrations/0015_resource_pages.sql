-- The Additional Resources pages ("news", "faq", "alerts"): text plan staff edit in the
-- console, kept as typed and rendered as paragraphs, lists and links, never as HTML.
CREATE TABLE resource_pages (
    slug TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by BIGINT REFERENCES users (id)
);

CREATE INDEX banners_ends ON banners (ends_at);

-- Claims Paid on My Dashboard counts the claims an NPI rendered as well as those it billed.
CREATE INDEX claims_service_paid ON claims (service_provider_id, paid_on);
