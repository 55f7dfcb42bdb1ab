"""Versioned SQL migrations, applied in order by `matcher.store.database.apply_migrations`."""
