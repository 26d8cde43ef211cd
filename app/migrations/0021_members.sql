-- A member is found by any of the IDs on their cards, and the facesheet shows their language.
ALTER TABLE members ADD COLUMN meds_id TEXT;
ALTER TABLE members ADD COLUMN mbi TEXT;
ALTER TABLE members ADD COLUMN language TEXT NOT NULL DEFAULT 'English';
CREATE UNIQUE INDEX members_meds_id ON members (meds_id);
CREATE UNIQUE INDEX members_mbi ON members (mbi);
CREATE INDEX members_city ON members (last_name, first_name, city);
ALTER TABLE members ADD COLUMN share_of_cost_cents BIGINT NOT NULL DEFAULT 0;

-- Eligibility spans: a member may change line of business or health network over time.
CREATE TABLE member_eligibility (
    member_id BIGINT NOT NULL REFERENCES members (id),
    starts_on TEXT NOT NULL,
    ends_on TEXT,
    line_of_business TEXT NOT NULL,
    health_network TEXT,
    PRIMARY KEY (member_id, starts_on)
);

-- Lab results (LOINC-coded) and pharmacy fills, for the facesheet.
CREATE TABLE member_labs (
    member_id BIGINT NOT NULL REFERENCES members (id),
    collected_on TEXT NOT NULL,
    loinc TEXT NOT NULL,
    test TEXT NOT NULL,
    result TEXT NOT NULL,
    units TEXT NOT NULL,
    reference_range TEXT NOT NULL,
    flag TEXT
);
CREATE INDEX member_labs_member ON member_labs (member_id, collected_on);

CREATE TABLE member_medications (
    member_id BIGINT NOT NULL REFERENCES members (id),
    filled_on TEXT NOT NULL,
    drug TEXT NOT NULL,
    quantity BIGINT NOT NULL,
    days_supply BIGINT NOT NULL,
    prescriber TEXT NOT NULL
);
CREATE INDEX member_medications_member ON member_medications (member_id, filled_on);
