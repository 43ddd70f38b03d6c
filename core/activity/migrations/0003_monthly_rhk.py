from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("activity", "0002_kpi_owners_and_checks"),
    ]

    operations = [
        migrations.AddField(
            model_name="monthlyindex",
            name="rhk",
            field=models.DecimalField(decimal_places=2, max_digits=6, null=True),
        ),
    ]
