-- Issue 14: sign-in for the pages. A one-time code (a link or typed by hand) is issued
-- by an admin or a coach; redeeming it opens a session held in a cookie. Both are stored
-- only as SHA-256 hashes. A session carries its own CSRF token, which every form sends.
CREATE TABLE sign_in_code (
    code_hash   text PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES app_user ON DELETE CASCADE,
    issued_by   bigint REFERENCES app_user ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);
CREATE INDEX sign_in_code_user_idx ON sign_in_code (user_id);

CREATE TABLE web_session (
    session_hash text PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES app_user ON DELETE CASCADE,
    csrf         text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL
);
CREATE INDEX web_session_user_idx ON web_session (user_id);
