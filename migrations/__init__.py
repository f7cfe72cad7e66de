"""Alembic's migration scripts for the storage models (`mwatch db upgrade`)."""
