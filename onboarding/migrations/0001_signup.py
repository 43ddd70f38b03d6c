# The sign-up wizard (issue 8): onboarding.models.SignUp and SignUpFile.

import django.db.models.deletion
import uuid
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("tenants", "0004_provision_sweep"),
    ]

    operations = [
        migrations.CreateModel(
            name="SignUp",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("public_id", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("draft", "In progress"),
                            ("launching", "Launching"),
                            ("done", "Launched"),
                            ("failed", "Launch failed"),
                            ("expired", "Expired"),
                        ],
                        default="draft",
                        max_length=10,
                        verbose_name="state",
                    ),
                ),
                ("step_done", models.PositiveSmallIntegerField(default=0)),
                ("slug", models.SlugField(max_length=40, verbose_name="web address")),
                (
                    "contact_name",
                    models.CharField(blank=True, max_length=150, verbose_name="contact name"),
                ),
                (
                    "contact_phone",
                    models.CharField(blank=True, max_length=30, verbose_name="contact phone"),
                ),
                (
                    "contact_email",
                    models.EmailField(blank=True, max_length=254, verbose_name="office e-mail"),
                ),
                (
                    "admin_name",
                    models.CharField(blank=True, max_length=150, verbose_name="admin name"),
                ),
                (
                    "admin_email",
                    models.EmailField(blank=True, max_length=254, verbose_name="admin e-mail"),
                ),
                ("admin_password_hash", models.CharField(blank=True, max_length=256)),
                ("email_code_hash", models.CharField(blank=True, max_length=64)),
                ("email_code_sent_at", models.DateTimeField(blank=True, null=True)),
                ("email_code_attempts", models.PositiveSmallIntegerField(default=0)),
                (
                    "email_verified_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="e-mail verified"),
                ),
                ("plan_code", models.CharField(blank=True, max_length=30, verbose_name="plan")),
                (
                    "template_name",
                    models.CharField(blank=True, max_length=40, verbose_name="template"),
                ),
                (
                    "check_state",
                    models.CharField(
                        choices=[
                            ("none", "No files"),
                            ("queued", "Waiting to be checked"),
                            ("running", "Being checked"),
                            ("ok", "Every row is correct"),
                            ("bad", "Some rows are wrong"),
                            ("failed", "The check failed"),
                        ],
                        default="none",
                        max_length=10,
                    ),
                ),
                ("check_version", models.PositiveIntegerField(default=0)),
                ("check_kind", models.CharField(blank=True, max_length=20)),
                ("check_rows", models.PositiveIntegerField(default=0)),
                ("progress_step", models.CharField(blank=True, max_length=30)),
                ("error", models.TextField(blank=True, verbose_name="error")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                (
                    "launched_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="launched"),
                ),
                (
                    "finished_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="finished"),
                ),
                (
                    "pemda",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="signup",
                        to="tenants.pemda",
                        verbose_name="Pemda",
                    ),
                ),
                (
                    "region",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="signups",
                        to="tenants.region",
                        verbose_name="region",
                    ),
                ),
            ],
            options={
                "verbose_name": "sign-up",
                "verbose_name_plural": "sign-ups",
                "ordering": ["-created_at"],
            },
        ),
        migrations.CreateModel(
            name="SignUpFile",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kind", models.CharField(max_length=20)),
                ("filename", models.CharField(max_length=255)),
                ("data", models.BinaryField()),
                ("size", models.PositiveIntegerField(default=0)),
                ("report", models.JSONField(blank=True, default=dict)),
                ("uploaded_at", models.DateTimeField(auto_now=True)),
                (
                    "signup",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="files",
                        to="onboarding.signup",
                    ),
                ),
            ],
            options={
                "ordering": ["signup", "kind"],
            },
        ),
        migrations.AddConstraint(
            model_name="signup",
            constraint=models.UniqueConstraint(
                condition=models.Q(("state__in", ("draft", "launching", "failed"))),
                fields=("region",),
                name="signup_one_in_progress_per_region",
            ),
        ),
        migrations.AddConstraint(
            model_name="signupfile",
            constraint=models.UniqueConstraint(
                fields=("signup", "kind"), name="signup_file_once_per_kind"
            ),
        ),
    ]
