-- 0006: the scale benchmark. The index on vacancy_skill (skill_uri) took a third of the time
-- of a bulk load (17 rows of 80-byte keys per vacancy, inserted at random places in a tree of
-- 17 million at 1M vacancies). Its one reader was the skill-overlap fallback for a profile
-- without a vector, which starts from the vacancies in reach and finds their skills by the
-- primary key (vacancy_id first) just as well.
DROP INDEX IF EXISTS vacancy_skill_uri_idx;
