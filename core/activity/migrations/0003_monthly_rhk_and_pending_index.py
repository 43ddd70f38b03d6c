# Written for the change: the index is built without locking the log's writes out
# (CREATE INDEX CONCURRENTLY: a Pemda's activity table holds millions of rows).

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("activity", "0002_kpi_owners_and_checks"),
    ]

    operations = [
        migrations.AddField(
            model_name="monthlyindex",
            name="rhk",
            field=models.DecimalField(decimal_places=2, max_digits=6, null=True),
        ),
        AddIndexConcurrently(
            model_name="activity",
            index=models.Index(
                condition=models.Q(("state", "pending")),
                fields=["employee", "created_at"],
                name="activity_pending_employee",
            ),
        ),
    ]
