-- Issue 15: a stored list that is only older than the max age (nothing it depends on
-- changed) is answered while a background job computes it again, instead of being
-- computed inside the read. `refresh_queued_at` is when a read queued that job, so that
-- the reads of one aged list queue it once.
ALTER TABLE match_list ADD COLUMN refresh_queued_at timestamptz;
