# Written for the change: the new index is built before the old one goes, both without
# locking evaluations out (saas_platform.migration_operations: a Pemda holds hundreds of
# thousands of them).

from django.db import migrations, models

from saas_platform.migration_operations import AddIndexQuietly, RemoveIndexQuietly


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("performance", "0003_evaluation_content_copies"),
    ]

    operations = [
        AddIndexQuietly(
            model_name="evaluation",
            index=models.Index(
                fields=["period", "opd", "state"],
                include=("unit", "predikat"),
                name="evaluation_period_opd_rated",
            ),
        ),
        RemoveIndexQuietly(model_name="evaluation", name="evaluation_period_opd"),
    ]
