"""What every capability stands on: the database helpers (SQLite pragmas, the write lock,
LIKE escaping), UTC datetimes, the domain errors, the bounded LRU, backups, the content
generation token (and its triggers) and domain signals.

May import: nothing of liaison (only `extensions` and libraries)."""
