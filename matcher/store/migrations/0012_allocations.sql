-- 0012 (issue 16): cohort allocations and the reservations they make.
--
-- A proposal (`allocation`) assigns each candidate of a cohort at most one place — a
-- vacancy (its `slots`) or a course (its `seats`) — and keeps, per candidate, why that
-- place and what greedy matching would have given them. Accepting it reserves the places:
-- one `reservation` row per (candidate, place). A place's free capacity is its slots or
-- seats less its active reservations (released_at IS NULL); an accept locks the places'
-- rows (vacancies, then courses, by id), checks the free capacity and writes every
-- reservation, or fails whole and writes nothing. Releasing sets released_at: the place
-- is free again. A candidate holds at most one active reservation.
-- Rows about a candidate go with the candidate (ON DELETE CASCADE): erasure leaves none.
CREATE TABLE allocation (
    id              bigserial PRIMARY KEY,
    organisation_id bigint REFERENCES organisation,  -- the centre; NULL: an admin's, across centres
    proposed_by     bigint REFERENCES app_user ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    settings        jsonb NOT NULL,   -- kinds, top_k, fairness shares (no candidate id)
    summary         jsonb NOT NULL,   -- allocation beside greedy, in figures (no candidate id)
    accepted_at     timestamptz,
    accepted_by     bigint REFERENCES app_user ON DELETE SET NULL
);
CREATE INDEX allocation_organisation_idx ON allocation (organisation_id);

CREATE TABLE allocation_assignment (
    allocation_id bigint NOT NULL REFERENCES allocation ON DELETE CASCADE,
    position      integer NOT NULL,                -- in the cohort as sent
    candidate_id  text NOT NULL REFERENCES candidate ON DELETE CASCADE,
    vacancy_id    bigint REFERENCES vacancy ON DELETE CASCADE,
    course_id     bigint REFERENCES course ON DELETE CASCADE,
    probability   real,
    score         real,
    detail        jsonb NOT NULL,                  -- place, rank, why, greedy alternative
    PRIMARY KEY (allocation_id, position),
    CHECK (vacancy_id IS NULL OR course_id IS NULL)
);
CREATE INDEX allocation_assignment_candidate_idx ON allocation_assignment (candidate_id);

CREATE TABLE reservation (
    id            bigserial PRIMARY KEY,
    allocation_id bigint REFERENCES allocation ON DELETE SET NULL,
    candidate_id  text NOT NULL REFERENCES candidate ON DELETE CASCADE,
    vacancy_id    bigint REFERENCES vacancy ON DELETE CASCADE,
    course_id     bigint REFERENCES course ON DELETE CASCADE,
    reserved_by   bigint REFERENCES app_user ON DELETE SET NULL,
    reserved_at   timestamptz NOT NULL DEFAULT now(),
    released_by   bigint REFERENCES app_user ON DELETE SET NULL,
    released_at   timestamptz,
    CHECK ((vacancy_id IS NULL) <> (course_id IS NULL))
);
CREATE UNIQUE INDEX reservation_one_active_idx ON reservation (candidate_id)
    WHERE released_at IS NULL;
CREATE INDEX reservation_vacancy_idx ON reservation (vacancy_id)
    WHERE released_at IS NULL AND vacancy_id IS NOT NULL;
CREATE INDEX reservation_course_idx ON reservation (course_id)
    WHERE released_at IS NULL AND course_id IS NOT NULL;
CREATE INDEX reservation_allocation_idx ON reservation (allocation_id);
