"""Intake: a candidate, vacancy or course as sent becomes what is stored (ids checked,
free text linked, skills derived, profile vector) without touching the database; and
the bulk import files, parsed row by row."""
