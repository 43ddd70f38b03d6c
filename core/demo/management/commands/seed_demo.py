from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.demo.org import SCALES
from core.demo.services import PLATFORM_STAFF_USERNAME, DemoModeRequired, demo_pemda_seed


class Command(BaseCommand):
    help = (
        "Provision the 14 demo Pemda with demo accounts, a realistic organisation and a year of "
        "SKP, ratings and calibration, and the platform staff account 'staff' (DEMO_MODE=1 "
        "only; idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            choices=SCALES,
            default="small",
            help="small: 120-400 employees per Pemda (default); full: real size, e.g. "
            "~36,000 for Surabaya (minutes). Switching scale adds people: reset the database.",
        )
        parser.add_argument("--only", metavar="SLUG", help="seed only this demo Pemda")

    def handle(self, *args, **options):
        try:
            seeded = demo_pemda_seed(
                password=settings.DEMO_PASSWORD,
                scale=options["scale"],
                only=options["only"],
                log=self.stdout.write if options["verbosity"] > 1 else None,
            )
        except (DemoModeRequired, ValueError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"{len(seeded)} demo Pemda ready; platform staff account '{PLATFORM_STAFF_USERNAME}'"
        )
