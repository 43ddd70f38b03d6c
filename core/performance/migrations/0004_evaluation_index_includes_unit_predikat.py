# Written for the change: the new index is built before the old one goes, both without
# locking evaluations out (CONCURRENTLY: a Pemda holds hundreds of thousands of them).

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("performance", "0003_evaluation_content_copies"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="evaluation",
            index=models.Index(
                fields=["period", "opd", "state"],
                include=("unit", "predikat"),
                name="evaluation_period_opd_rated",
            ),
        ),
        RemoveIndexConcurrently(model_name="evaluation", name="evaluation_period_opd"),
    ]
