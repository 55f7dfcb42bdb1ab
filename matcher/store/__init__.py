"""The PostgreSQL store: the database and its migrations, and every SQL statement the
engine and the API run."""
