-- What linking made of a record's free text: per statement its language, the concepts
-- found and the pieces that linked to nothing, plus warnings a coach must see (issue 11).
ALTER TABLE candidate ADD COLUMN linking jsonb;
ALTER TABLE vacancy ADD COLUMN linking jsonb;
