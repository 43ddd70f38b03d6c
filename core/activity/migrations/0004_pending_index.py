# A Pemda's activity table holds millions of rows: the index is built without locking the
# log's writes out (saas_platform.migration_operations).

from django.db import migrations, models

from saas_platform.migration_operations import AddIndexQuietly


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("activity", "0003_monthly_rhk"),
    ]

    operations = [
        AddIndexQuietly(
            model_name="activity",
            index=models.Index(
                condition=models.Q(("state", "pending")),
                fields=["employee", "created_at"],
                name="activity_pending_employee",
            ),
        ),
    ]
