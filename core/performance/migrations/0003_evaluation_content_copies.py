"""Rated evaluations made before copies were kept get theirs (core.performance.content)."""

from django.db import migrations

from core.performance.content import COPIES_SQL


class Migration(migrations.Migration):
    dependencies = [("performance", "0002_evaluation_content")]

    operations = [migrations.RunSQL(COPIES_SQL, migrations.RunSQL.noop)]
