-- Issue 15: match lists worked out once, not per request. A candidate's ranked list (per
-- variant: kinds asked, relevance floor on or off, label language, with or without course
-- plans) is stored with every entry explained, so a coach's read is an indexed look-up.
--
-- A stored list is fresh while nothing it was computed from has changed since, and it is
-- younger than MATCHER_MATCH_LIST_MAX_AGE:
--   * the candidate: `candidate.updated_at` (every write of the profile sets it);
--   * vacancies: `match_list_state.version`, bumped for the candidates a vacancy written,
--     closed or reopened concerns (lists holding it; candidates it now fits);
--   * everything at once (courses: the course plans): `match_list_epoch.n`.
-- The three are read before the list is computed and kept with it, so a change committed
-- while a list was being computed leaves that list stale, never fresh.
-- An erased candidate's lists go with the candidate row (ON DELETE CASCADE).
CREATE TABLE match_list_state (
    candidate_id text PRIMARY KEY REFERENCES candidate ON DELETE CASCADE,
    version      bigint NOT NULL DEFAULT 0
);
CREATE TABLE match_list_epoch (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    n   bigint NOT NULL DEFAULT 0
);
INSERT INTO match_list_epoch (one, n) VALUES (true, 0);
CREATE TABLE match_list (
    id                   bigserial PRIMARY KEY,
    candidate_id         text NOT NULL REFERENCES candidate ON DELETE CASCADE,
    variant              text NOT NULL,   -- kinds|floor|lang|courses, e.g. "*|1|en|1"
    candidate_updated_at timestamptz NOT NULL,
    version              bigint NOT NULL,
    epoch                bigint NOT NULL,
    computed_at          timestamptz NOT NULL,
    total                integer NOT NULL,
    extra                json NOT NULL,   -- below_floor and reasons, as the answer sends them
    digest               text NOT NULL,   -- of the entries and extra: the ETag's part
    UNIQUE (candidate_id, variant)
);
CREATE INDEX match_list_computed_idx ON match_list (computed_at);  -- lists in use
-- One row per match, best first; `item` is the answer's item (vacancy summary and
-- explanation), kept as JSON text and sent as stored.
CREATE TABLE match_list_entry (
    list_id    bigint NOT NULL REFERENCES match_list ON DELETE CASCADE,
    rank       integer NOT NULL,
    vacancy_id bigint NOT NULL,
    score      real NOT NULL,
    item       json NOT NULL,
    PRIMARY KEY (list_id, rank)
);
-- a vacancy's change finds the lists holding it
CREATE INDEX match_list_entry_vacancy_idx ON match_list_entry (vacancy_id);
