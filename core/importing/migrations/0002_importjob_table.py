from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("importing", "0001_initial"),
        ("org", "0005_importjob_moved_atasan_history_in_audit"),
    ]

    operations = [
        migrations.AlterModelTable(name="importjob", table=None),
    ]
