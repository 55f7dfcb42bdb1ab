-- Issue 16 beside issue 15: a stored match list depends on how it was ranked (the weights
-- per kind, learned or hand-set, the relevance floor, the score calibration) as much as on
-- the data. `ranking` is a fingerprint of that; an engine that starts with another one
-- bumps the epoch, so every list ranked the old way is stale at once.
ALTER TABLE match_list_epoch ADD COLUMN ranking text NOT NULL DEFAULT '';
