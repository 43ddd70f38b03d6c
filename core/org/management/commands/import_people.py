from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from core.importing.services import import_audit_record
from core.org.imports import KINDS, people_import
from tenants.lifecycle import SERVED_STATUSES
from tenants.models import Pemda


class Command(BaseCommand):
    help = "Import units, positions or employees (.xlsx or .csv) into a Pemda; all rows or nothing."

    def add_arguments(self, parser):
        parser.add_argument("--pemda", required=True, help="the Pemda's slug, e.g. surabaya")
        parser.add_argument("--kind", required=True, choices=KINDS)
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--good-rows-only",
            action="store_true",
            help="import the good rows even when some rows are bad",
        )
        parser.add_argument(
            "--language", default=settings.LANGUAGE_CODE, help="language of messages"
        )

    def handle(self, *args, **options):
        translation.activate(options["language"])
        pemda = Pemda.objects.filter(
            slug=options["pemda"], is_template=False, status__in=SERVED_STATUSES
        ).first()
        if pemda is None:
            raise CommandError(
                _("No active Pemda has the address “%(slug)s”.") % {"slug": options["pemda"]}
            )
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(_("File %(path)s does not exist.") % {"path": path})
        with pemda:
            report = people_import(
                kind=options["kind"],
                data=path.read_bytes(),
                filename=path.name,
                good_rows_only=options["good_rows_only"],
            )
            import_audit_record(
                report=report, filename=path.name, good_rows_only=options["good_rows_only"]
            )
        for error in report.errors:
            where = _("row %(row)s") % {"row": error.row} if error.row else _("file")
            column = f", {error.column}" if error.column else ""
            self.stderr.write(f"{where}{column}: {error.message}")
        summary = _(
            "%(total)s rows: %(created)s created, %(updated)s updated, %(unchanged)s unchanged, "
            "%(bad)s bad."
        ) % {
            "total": report.total,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "bad": report.bad_rows,
        }
        if not report.written:
            raise CommandError(summary + " " + _("Nothing was imported."))
        self.stdout.write(summary)
