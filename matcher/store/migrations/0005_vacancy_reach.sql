-- 0005: the scale benchmark at 1M vacancies. Counting the vacancies within a candidate's
-- reach (to choose exact ranking or the HNSW index) read every row in the box from the heap;
-- with the filter's columns in the index it is an index-only scan. It replaces the box index.
DROP INDEX IF EXISTS vacancy_open_idx;
CREATE INDEX vacancy_reach_idx ON vacancy (kind, lat, lon)
    INCLUDE (min_permit, regulated, accepts_in_process, occupation_uri) WHERE is_open;
