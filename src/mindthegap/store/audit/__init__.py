"""The audit log: an append-only record of who did what to which study, when and from where.

Record events with :func:`mindthegap.store.audit.log.record`; read them with :func:`.log.events`. Rows can be
added but never changed or removed: the model refuses, and database triggers refuse too (see
``migrations/0002_append_only.py``), so neither a bug nor a stray SQL statement can rewrite history.
"""
