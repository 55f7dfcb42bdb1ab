"""Versioned SQL migrations, applied in order by `matcher.db.apply_migrations`."""
