-- 0003: retrieval by occupation (the third shortlist source) needs its own index.
CREATE INDEX vacancy_occupation_idx ON vacancy (occupation_uri) WHERE is_open;
