-- 0002: recognition of foreign qualifications; apprenticeship prerequisites; regulated
-- vacancies; compensation measures as courses.

CREATE TYPE recognition_status AS ENUM ('none', 'applied', 'partial', 'full');
CREATE TYPE compensation_measure AS ENUM ('adaptation_course', 'knowledge_test');

-- Country -> qualification -> EQF level reference tables (Europass export format, plus the
-- project's own table for frequent countries of origin).
CREATE TABLE eqf_reference (
    id             bigserial PRIMARY KEY,
    source         text NOT NULL,                 -- file name or 'project'
    country        text NOT NULL,
    qualification  text NOT NULL,
    native_title   text,
    eqf_level      smallint NOT NULL CHECK (eqf_level BETWEEN 1 AND 8),
    type           text,
    duration_years real,
    UNIQUE (source, country, qualification, eqf_level)
);

ALTER TABLE candidate_qualification
    ADD COLUMN type                 text,
    ADD COLUMN duration_years       real,
    ADD COLUMN content              text,
    ADD COLUMN eqf_level            smallint,
    ADD COLUMN eqf_method           text,
    ADD COLUMN status               recognition_status NOT NULL DEFAULT 'none',
    ADD COLUMN decided_on           date,
    ADD COLUMN authority            text,
    ADD COLUMN compensation         compensation_measure;

-- How strongly each source evidences a skill (coach-verified 1; self-declared 0.8; from a
-- qualification or work experience: see matcher.recognition).
ALTER TABLE candidate_skill ADD COLUMN confidence real NOT NULL DEFAULT 1;

-- What the recognition gate reads, kept on the candidate row so SQL can filter on it.
ALTER TABLE candidate
    ADD COLUMN recognised           text[] NOT NULL DEFAULT '{}',  -- occupations, full
    ADD COLUMN recognition_pending  text[] NOT NULL DEFAULT '{}',  -- applied or partial
    ADD COLUMN max_eqf              smallint;

ALTER TABLE vacancy
    ADD COLUMN regulated            boolean NOT NULL DEFAULT false,
    ADD COLUMN accepts_in_process   boolean NOT NULL DEFAULT false,
    ADD COLUMN min_eqf              smallint CHECK (min_eqf BETWEEN 1 AND 8);
CREATE TABLE vacancy_prerequisite (
    vacancy_id bigint NOT NULL REFERENCES vacancy ON DELETE CASCADE,
    skill_uri  text NOT NULL,
    PRIMARY KEY (vacancy_id, skill_uri)
);

-- A course can be the compensation measure a partial recognition names.
ALTER TABLE course
    ADD COLUMN compensation_for     text,            -- occupation uri
    ADD COLUMN measure              compensation_measure;
