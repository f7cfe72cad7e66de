"""Storage: the models, database sessions, idempotent upserts and the item pipeline."""
