"""Import jobs: one uploaded file each, and what became of it (moved here from core.org;
the table and every existing job were kept, see the migrations)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Checking and importing")
    DONE = "done", _("Imported")
    REJECTED = "rejected", _("Rejected: nothing imported")
    FAILED = "failed", _("Failed")


FINISHED = (ImportStatus.DONE, ImportStatus.REJECTED, ImportStatus.FAILED)


class ImportJobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Import jobs hold the Pemda's personal data: their importers' users only (the
        BKPSDMD admin for every kind today)."""
        from core.importing.engine import importers_for

        return self.filter(kind__in=[importer.kind for importer in importers_for(user)])


class ImportJob(models.Model):
    """One uploaded file and what became of it; large files run on a Celery worker."""

    kind = models.CharField(_("kind"), max_length=50)  # the importer's (engine.KIND_MAX_LENGTH)
    filename = models.CharField(_("file name"), max_length=255)
    path = models.CharField(max_length=500)  # the stored upload, in the default storage
    good_rows_only = models.BooleanField(_("import the good rows only"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self):
        return f"{self.kind} {self.filename} ({self.status})"

    @property
    def kind_label(self) -> str:
        from core.importing.engine import importer_get

        try:
            return str(importer_get(self.kind).label)
        except ValueError:
            return self.kind

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED

    @property
    def percent(self) -> int:
        if self.is_finished:
            return 100
        if not self.total_rows:
            return 0
        # Checking the rows is 90 % of the work; writing them the rest.
        return min(90, int(90 * self.processed_rows / self.total_rows))

    @property
    def can_import_good_rows(self) -> bool:
        """A rejected file with good rows among bad ones (not a file that could not be read,
        nor one whose header row is wrong: those have no good rows to offer), still kept."""
        report = self.report or {}
        return (
            self.status == ImportStatus.REJECTED
            and bool(self.path)
            and not report.get("unusable")
            and report.get("good_rows", 0) > 0
        )
