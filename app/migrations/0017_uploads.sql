-- Files kept after upload: the file itself is in the upload folder under its SHA-256.
CREATE TABLE uploads (
    id BIGSERIAL PRIMARY KEY,
    sha256 TEXT NOT NULL,
    size BIGINT NOT NULL,
    content_type TEXT NOT NULL,
    file_name TEXT NOT NULL,
    organization_id BIGINT REFERENCES organizations (id),
    uploaded_by BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL
);
