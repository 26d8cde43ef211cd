-- Which version of each shipped code list the database holds, so a start compares one small
-- table with the binary's lists instead of counting their rows (a cold count of the ICD-10-CM
-- codes reads the whole table).
CREATE TABLE code_list_loads (
    list TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL
);
