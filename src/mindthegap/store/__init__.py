"""Persistence with Django's ORM: one Django app per kind of evidence, each owning models and migrations.

Use :func:`mindthegap.store.database.open_store` before touching any model: it configures Django for the
database named by ``--db`` / ``MINDTHEGAP_DATABASE_URL`` (SQLite file by default), checks the schema version
and applies migrations.
"""
