"""ImportJob now lives in core.importing (same table, renamed there); the atasan history
now lives in the audit trail (copied by audit 0002), so its old table goes."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0004_unit_head"),
        ("importing", "0001_initial"),
        ("audit", "0002_atasan_history"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ImportJob")],
            database_operations=[],
        ),
        migrations.DeleteModel(name="AtasanOverride"),
    ]
