-- Every foreign key gets an index on its referencing columns. Without one, deleting a
-- parent row scans the whole child table once per row: a server started on a newly
-- imported taxonomy deletes ~17,000 ESCO concepts, and the cascade into occupation_skill
-- (124,000 rows, indexed by occupation only) ran into the statement timeout, so the
-- API did not start. Deleting vacancies (outcomes, allocations) and users scaled the
-- same way with the tables' size.
CREATE INDEX occupation_skill_skill_idx ON occupation_skill (skill);
CREATE INDEX skill_relation_related_idx ON skill_relation (related);
CREATE INDEX concept_broader_broader_idx ON concept_broader (broader);
CREATE INDEX candidate_consent_employer_idx ON candidate_consent (employer_id);
CREATE INDEX app_user_organisation_idx ON app_user (organisation_id);
CREATE INDEX app_user_candidate_idx ON app_user (candidate_id);
CREATE INDEX outcome_recorded_by_idx ON outcome (recorded_by);
CREATE INDEX outcome_vacancy_idx ON outcome (vacancy_id);
CREATE INDEX sign_in_code_issued_by_idx ON sign_in_code (issued_by);
CREATE INDEX allocation_accepted_by_idx ON allocation (accepted_by);
CREATE INDEX allocation_proposed_by_idx ON allocation (proposed_by);
CREATE INDEX allocation_assignment_vacancy_idx ON allocation_assignment (vacancy_id);
CREATE INDEX allocation_assignment_course_idx ON allocation_assignment (course_id);
CREATE INDEX reservation_released_by_idx ON reservation (released_by);
CREATE INDEX reservation_reserved_by_idx ON reservation (reserved_by);
