-- A saved draft counts from revision 1, so 0 means "never saved" to a step that saves only over
-- the draft it read. Drafts kept from before revisions were counted start at 1.
UPDATE drafts SET revision = 1 WHERE revision = 0;
