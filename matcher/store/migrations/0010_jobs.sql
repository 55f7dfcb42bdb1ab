-- Issue 15: background jobs. Work too slow for a request (linking a feed of free-text
-- adverts) is queued here and done by a worker in any API process (or `matcher worker`).
-- Workers claim with FOR UPDATE SKIP LOCKED, so each job runs once however many there are;
-- a job whose worker stopped beating is queued again. The request body waits in `payload`
-- until the job ends, then it is dropped.
CREATE TYPE job_state AS ENUM ('queued', 'running', 'done', 'failed');
CREATE TABLE job (
    id           bigserial PRIMARY KEY,
    kind         text NOT NULL,
    state        job_state NOT NULL DEFAULT 'queued',
    user_id      bigint REFERENCES app_user ON DELETE SET NULL,
    payload      bytea,
    params       jsonb NOT NULL DEFAULT '{}',
    total        integer NOT NULL DEFAULT 0,
    done         integer NOT NULL DEFAULT 0,
    attempts     integer NOT NULL DEFAULT 0,
    result       jsonb,
    error        jsonb,
    created_at   timestamptz NOT NULL DEFAULT now(),
    started_at   timestamptz,
    heartbeat_at timestamptz,
    finished_at  timestamptz
);
CREATE INDEX job_waiting_idx ON job (id) WHERE state IN ('queued', 'running');
CREATE INDEX job_user_idx ON job (user_id, id);
