"""The audit trail's table in the public schema of a database made before the trail was a
shared app (the platform staff's actions are recorded there).

Until then, migrating the public schema recorded 0001 and 0002 as applied without creating
anything (the router kept the app out of public), so 0001 never runs there again. Here the
table is made where it is missing; everywhere else (each Pemda's schema, a database migrated
afresh) it exists and nothing happens.
"""

from django.db import migrations


def table_create_if_missing(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    if AuditEvent._meta.db_table not in tables:
        schema_editor.create_model(AuditEvent)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_atasan_history")]

    operations = [migrations.RunPython(table_create_if_missing, migrations.RunPython.noop)]
