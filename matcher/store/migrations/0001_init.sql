-- 0001: taxonomy, organisations and users, profiles, matching history, audit.
-- Vectors are 384-dimensional (all-MiniLM-L6-v2); cosine distance throughout.

CREATE EXTENSION IF NOT EXISTS vector;

CREATE TYPE cefr_level AS ENUM ('A1', 'A2', 'B1', 'B2', 'C1', 'C2', 'native');
-- Ordered: a vacancy's min_permit is met by that level and every level after it.
CREATE TYPE work_permit AS ENUM ('none', 'pending', 'restricted', 'full');
CREATE TYPE vacancy_kind AS ENUM ('job', 'apprenticeship', 'placement');
CREATE TYPE skill_source AS ENUM ('self_declared', 'coach_verified', 'qualification',
                                  'work_experience');
CREATE TYPE user_role AS ENUM ('admin', 'coach', 'employer', 'migrant');
CREATE TYPE outcome_status AS ENUM ('contacted', 'interview', 'placed', 'rejected');

-- Great-circle distance in km (haversine); the radius filters use it after a bounding box.
CREATE FUNCTION km_between(lat1 double precision, lon1 double precision,
                           lat2 double precision, lon2 double precision)
RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT 2 * 6371.0088 * asin(least(1, sqrt(
        power(sin(radians(lat2 - lat1) / 2), 2)
        + cos(radians(lat1)) * cos(radians(lat2)) * power(sin(radians(lon2 - lon1) / 2), 2))))
$$;

-- Taxonomy (persisted copy of the one the normaliser serves) ---------------------------
CREATE TABLE taxonomy_version (
    version     text PRIMARY KEY,
    loaded_at   timestamptz NOT NULL DEFAULT now(),
    stats       jsonb NOT NULL,
    is_current  boolean NOT NULL DEFAULT true
);
CREATE TABLE concept (
    uri          text PRIMARY KEY,
    kind         text NOT NULL,
    label_en     text NOT NULL,
    description  text NOT NULL DEFAULT '',
    skill_type   text NOT NULL DEFAULT '',
    isco_code    text NOT NULL DEFAULT '',
    regulated    boolean,
    embedding    vector(384)
);
CREATE INDEX concept_kind_idx ON concept (kind);
CREATE TABLE concept_label (
    uri   text NOT NULL REFERENCES concept ON DELETE CASCADE,
    lang  text NOT NULL,
    text  text NOT NULL,
    type  text NOT NULL
);
CREATE INDEX concept_label_uri_idx ON concept_label (uri);
CREATE TABLE occupation_skill (
    occupation text NOT NULL REFERENCES concept ON DELETE CASCADE,
    skill      text NOT NULL REFERENCES concept ON DELETE CASCADE,
    relation   text NOT NULL,
    PRIMARY KEY (occupation, skill)
);
CREATE TABLE skill_relation (
    skill    text NOT NULL REFERENCES concept ON DELETE CASCADE,
    related  text NOT NULL REFERENCES concept ON DELETE CASCADE,
    relation text NOT NULL,
    PRIMARY KEY (skill, related)
);
CREATE TABLE concept_broader (
    narrower text NOT NULL REFERENCES concept ON DELETE CASCADE,
    broader  text NOT NULL REFERENCES concept ON DELETE CASCADE,
    PRIMARY KEY (narrower, broader)
);

-- Organisations, users, tokens -------------------------------------------------------
CREATE TABLE organisation (
    id          bigserial PRIMARY KEY,
    external_id text UNIQUE,
    name        text NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('centre', 'employer', 'provider')),
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Candidates: the pseudonymous profile; personal data lives in candidate_personal ----
CREATE TABLE candidate (
    id               text PRIMARY KEY,            -- random pseudonym, e.g. cand_4f0c9a1b2e
    organisation_id  bigint NOT NULL REFERENCES organisation,
    external_id      text NOT NULL,
    town             text NOT NULL,
    lat              double precision NOT NULL,
    lon              double precision NOT NULL,
    travel_radius_km double precision NOT NULL,
    work_permit      work_permit NOT NULL,
    preferences      jsonb NOT NULL DEFAULT '{}',
    embedding        vector(384),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (organisation_id, external_id)
);
CREATE INDEX candidate_geo_idx ON candidate (lat, lon);
CREATE INDEX candidate_embedding_idx ON candidate USING hnsw (embedding vector_cosine_ops);
CREATE TABLE candidate_personal (
    candidate_id text PRIMARY KEY REFERENCES candidate ON DELETE CASCADE,
    name         text NOT NULL,
    email        text,
    phone        text,
    address      text
);
CREATE TABLE candidate_language (
    candidate_id text NOT NULL REFERENCES candidate ON DELETE CASCADE,
    lang         text NOT NULL,
    level        cefr_level NOT NULL,
    PRIMARY KEY (candidate_id, lang)
);
CREATE TABLE candidate_qualification (
    id             bigserial PRIMARY KEY,
    candidate_id   text NOT NULL REFERENCES candidate ON DELETE CASCADE,
    title          text NOT NULL,
    country        text,
    year           integer,
    occupation_uri text,
    link_score     real
);
CREATE INDEX candidate_qualification_candidate_idx ON candidate_qualification (candidate_id);
CREATE TABLE candidate_experience (
    id             bigserial PRIMARY KEY,
    candidate_id   text NOT NULL REFERENCES candidate ON DELETE CASCADE,
    title          text NOT NULL,
    years          real NOT NULL,
    occupation_uri text,
    link_score     real
);
CREATE INDEX candidate_experience_candidate_idx ON candidate_experience (candidate_id);
CREATE TABLE candidate_skill (
    candidate_id text NOT NULL REFERENCES candidate ON DELETE CASCADE,
    skill_uri    text NOT NULL,
    source       skill_source NOT NULL,
    evidence     text,                           -- the words that evidence the skill
    statement    text,                           -- the whole free text it was linked from
    score        real NOT NULL DEFAULT 1,        -- linking confidence for free text
    PRIMARY KEY (candidate_id, skill_uri, source)
);
CREATE INDEX candidate_skill_uri_idx ON candidate_skill (skill_uri);
CREATE TABLE candidate_consent (
    candidate_id text NOT NULL REFERENCES candidate ON DELETE CASCADE,
    employer_id  bigint REFERENCES organisation,  -- NULL: every employer
    granted_at   timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX candidate_consent_uniq ON candidate_consent (candidate_id,
                                                                 COALESCE(employer_id, 0));

CREATE TABLE app_user (
    id              bigserial PRIMARY KEY,
    name            text NOT NULL,
    role            user_role NOT NULL,
    organisation_id bigint REFERENCES organisation,
    candidate_id    text REFERENCES candidate ON DELETE CASCADE,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CHECK ((role = 'migrant') = (candidate_id IS NOT NULL)),
    CHECK (role IN ('admin', 'migrant') OR organisation_id IS NOT NULL)
);
CREATE TABLE api_token (
    token_hash text PRIMARY KEY,                 -- sha256 of the bearer token
    user_id    bigint NOT NULL REFERENCES app_user ON DELETE CASCADE,
    label      text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);

-- Vacancies: jobs, apprenticeship slots, hands-on placements ------------------------
CREATE TABLE vacancy (
    id               bigserial PRIMARY KEY,
    employer_id      bigint NOT NULL REFERENCES organisation,
    external_id      text NOT NULL,
    kind             vacancy_kind NOT NULL,
    title            text NOT NULL,
    description      text NOT NULL DEFAULT '',
    essential_skills_text text,                  -- the employer's words, linked on write
    optional_skills_text  text,
    occupation_uri   text,
    town             text NOT NULL,
    lat              double precision NOT NULL,
    lon              double precision NOT NULL,
    slots            integer NOT NULL CHECK (slots > 0),
    start_date       date,
    is_open          boolean NOT NULL DEFAULT true,
    min_permit       work_permit NOT NULL DEFAULT 'restricted',
    embedding        vector(384),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (employer_id, external_id)
);
CREATE INDEX vacancy_embedding_idx ON vacancy USING hnsw (embedding vector_cosine_ops);
CREATE INDEX vacancy_open_idx ON vacancy (kind, lat, lon) WHERE is_open;
CREATE TABLE vacancy_skill (
    vacancy_id bigint NOT NULL REFERENCES vacancy ON DELETE CASCADE,
    skill_uri  text NOT NULL,
    essential  boolean NOT NULL,
    evidence   text,                             -- the employer's words, when linked from text
    PRIMARY KEY (vacancy_id, skill_uri)
);
CREATE INDEX vacancy_skill_uri_idx ON vacancy_skill (skill_uri);
CREATE TABLE vacancy_language (
    vacancy_id bigint NOT NULL REFERENCES vacancy ON DELETE CASCADE,
    lang       text NOT NULL,
    level      cefr_level NOT NULL,
    PRIMARY KEY (vacancy_id, lang)
);

-- Courses -----------------------------------------------------------------------------
CREATE TABLE course (
    id             bigserial PRIMARY KEY,
    external_id    text NOT NULL UNIQUE,
    provider       text NOT NULL,
    title          text NOT NULL,
    description    text NOT NULL DEFAULT '',
    skills_text    text,
    lang           text NOT NULL,
    min_level      cefr_level NOT NULL,
    duration_weeks real NOT NULL CHECK (duration_weeks > 0),
    online         boolean NOT NULL,
    town           text,
    lat            double precision,
    lon            double precision,
    cost_eur       real NOT NULL DEFAULT 0,
    funding        text NOT NULL DEFAULT '',
    start_dates    date[] NOT NULL DEFAULT '{}',
    seats          integer NOT NULL CHECK (seats >= 0),
    embedding      vector(384),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CHECK (online OR (lat IS NOT NULL AND lon IS NOT NULL))
);
CREATE TABLE course_skill (
    course_id bigint NOT NULL REFERENCES course ON DELETE CASCADE,
    skill_uri text NOT NULL,
    evidence  text,
    PRIMARY KEY (course_id, skill_uri)
);
CREATE INDEX course_skill_uri_idx ON course_skill (skill_uri);

-- Outcomes (kept for training) and the audit log ----------------------------------------
CREATE TABLE outcome (
    id           bigserial PRIMARY KEY,
    candidate_id text NOT NULL REFERENCES candidate ON DELETE CASCADE,
    vacancy_id   bigint NOT NULL REFERENCES vacancy ON DELETE CASCADE,
    status       outcome_status NOT NULL,
    reason       text,
    match        jsonb,                          -- the score breakdown when it was recorded
    recorded_by  bigint REFERENCES app_user ON DELETE SET NULL,
    recorded_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outcome_candidate_idx ON outcome (candidate_id);

CREATE TABLE audit_log (
    id           bigserial PRIMARY KEY,
    at           timestamptz NOT NULL DEFAULT now(),
    user_id      bigint,
    role         user_role,
    action       text NOT NULL,
    candidate_id text,                           -- no foreign key: erasure removes these rows
    detail       jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_candidate_idx ON audit_log (candidate_id);
