"""Database triggers that keep the audit log append-only, whatever writes to the database.

SQLite: updates are refused; deletes too, unless this process has allowed a purge (only the test suite
does, see mindthegap.store.audit.guard). PostgreSQL: a trigger function refuses every UPDATE and DELETE.
A later migration that makes SQLite rebuild the table (most AlterField operations) drops these triggers:
such a migration must create them again.
"""

from django.db import migrations

SQLITE_UP = [
    """CREATE TRIGGER mtg_audit_event_no_update BEFORE UPDATE ON mtg_audit_event
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only: they cannot be changed'); END""",
    """CREATE TRIGGER mtg_audit_event_no_delete BEFORE DELETE ON mtg_audit_event
       WHEN mtg_audit_purge_allowed() = 0
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only: they cannot be deleted'); END""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS mtg_audit_event_no_update",
    "DROP TRIGGER IF EXISTS mtg_audit_event_no_delete",
]
POSTGRES_UP = [
    """CREATE OR REPLACE FUNCTION mtg_audit_event_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         RAISE EXCEPTION 'audit events are append-only: they cannot be changed or deleted'
           USING ERRCODE = 'insufficient_privilege';
       END $$""",
    """CREATE TRIGGER mtg_audit_event_append_only BEFORE UPDATE OR DELETE ON mtg_audit_event
       FOR EACH ROW EXECUTE FUNCTION mtg_audit_event_refuse()""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS mtg_audit_event_append_only ON mtg_audit_event",
    "DROP FUNCTION IF EXISTS mtg_audit_event_refuse()",
]


def _run(statements):
    def apply(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        )
    ]
