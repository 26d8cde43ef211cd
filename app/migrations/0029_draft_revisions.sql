-- Each save of a draft counts up its revision, so a step can save only over the draft it read:
-- two presses at once on one draft no longer lose one's changes.
ALTER TABLE drafts ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;
