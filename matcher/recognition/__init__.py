"""Recognition of foreign qualifications and of prior learning.

For a qualification (title in any language, country, type, duration, content) it answers
what a recognition adviser asks first:

- the reference occupation(s), linked from the title, with confidence;
- an EQF level with its evidence: the given level; else a country → qualification row of
  a reference table (the Europass export format; the project ships its own table for
  frequent countries of origin, `matcher/data/recognition/`); else an *estimate* read by
  a grammar of qualification mentions in ten languages (degree names, framework levels,
  worker grades, GCSE grades, professional bodies, durations; combined with the origin
  country's framework), with its words, rule and confidence; else, when surer, a text
  model fitted on the reference tables (`EqfLevelEstimator`);
- whether the occupation is regulated in the destination country (a per-country profile,
  Germany first, then ESCO's regulated-profession note), so needs formal recognition;
- the skills the qualification evidences (source `qualification`) and the gap to the
  reference occupation.

Prior learning: work experience (title + years → occupation → its skills, with a
confidence that grows with the years) and qualifications both become candidate skills
with their source, so every match says how each matched skill is evidenced.

Its modules: `qualification_types` (the level a type and a duration give, the generic
words of a title), `grammar` (the EQF level and the type read from a mention's words, the
one list of them in `qualification_grammar.json`), `eqf_table`
(reference tables), `estimator` (the text model), `regulation` (regulated professions per
destination country), `recogniser` (all of it for one qualification).
"""
