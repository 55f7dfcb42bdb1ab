-- 0005: the scale benchmark at 1M vacancies. Counting the vacancies within a candidate's
-- reach (to choose exact ranking or the HNSW index) read every row in the box from the heap;
-- with the filter's columns in the index it is an index-only scan. The occupation index
-- served a retrieval source that added no recall and cost up to 0.6 s at 1M: both go.
DROP INDEX IF EXISTS vacancy_open_idx;
DROP INDEX IF EXISTS vacancy_occupation_idx;
CREATE INDEX vacancy_reach_idx ON vacancy (kind, lat, lon)
    INCLUDE (min_permit, regulated, accepts_in_process, occupation_uri) WHERE is_open;
