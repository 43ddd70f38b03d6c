"""ImportJob moves here from core.org with its table and every job in it: this migration
only tells Django the model now lives here (the table is renamed by the next one)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def content_type_follows(apps, schema_editor):
    """Keep the content type (and the permissions on it) rather than leave a stale one."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="org", model="importjob").update(app_label="importing")


def content_type_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="importing", model="importjob").update(app_label="org")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("org", "0004_unit_head"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ImportJob",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(max_length=20, verbose_name="kind")),
                        ("filename", models.CharField(max_length=255, verbose_name="file name")),
                        ("path", models.CharField(max_length=500)),
                        ("good_rows_only", models.BooleanField(default=False, verbose_name="import the good rows only")),
                        ("status", models.CharField(choices=[("queued", "Queued"), ("running", "Checking and importing"), ("done", "Imported"), ("rejected", "Rejected: nothing imported"), ("failed", "Failed")], default="queued", max_length=20, verbose_name="status")),
                        ("total_rows", models.PositiveIntegerField(default=0)),
                        ("processed_rows", models.PositiveIntegerField(default=0)),
                        ("report", models.JSONField(blank=True, default=dict)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("finished_at", models.DateTimeField(blank=True, null=True)),
                        ("created_by", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "verbose_name": "import",
                        "verbose_name_plural": "imports",
                        "ordering": ["-created_at"],
                        "db_table": "org_importjob",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_follows, content_type_back),
    ]
