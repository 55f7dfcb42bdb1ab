-- Issue 13: courses have an owner; tokens have an id, a shown prefix and a lifetime.
--
-- A course belongs to an organisation (its provider, or the centre that added it); only
-- that organisation's users or an admin change it. Courses stored before this migration
-- have no owner: only admins change them (whoever wrote them, nobody recorded it).
ALTER TABLE course ADD COLUMN owner_id bigint REFERENCES organisation;
CREATE INDEX course_owner_idx ON course (owner_id);

-- Tokens: an id to list and revoke them by, the first characters of the secret (what a
-- listing shows; the secret itself is never stored), and an expiry. Tokens issued before
-- this migration have no prefix; their expiry counts from created_at like any other.
ALTER TABLE api_token ADD COLUMN id bigserial;
ALTER TABLE api_token ADD CONSTRAINT api_token_id_key UNIQUE (id);
ALTER TABLE api_token ADD COLUMN prefix text NOT NULL DEFAULT '';
CREATE INDEX api_token_user_idx ON api_token (user_id);
