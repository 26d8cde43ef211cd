-- The registration, the access request and the permission wizard keep their drafts in the one
-- drafts store. Permission drafts move there (kept until finished); a registration or request
-- under way restarts, as after its one-day expiry.
INSERT INTO drafts (kind, owner, step, payload, updated_by, updated_at, expires_at)
SELECT 'permissions', 'membership:' || CAST(membership_id AS TEXT), CAST(step AS TEXT), data,
       updated_by, updated_at, NULL
FROM permission_drafts;
DROP TABLE permission_drafts;
DROP TABLE registration_drafts;
DELETE FROM access_requests WHERE status = 'draft';
