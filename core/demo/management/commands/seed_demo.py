from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.demo.services import DemoModeRequired, demo_pemda_seed


class Command(BaseCommand):
    help = "Provision the 14 demo Pemda with demo accounts (DEMO_MODE=1 only; idempotent)."

    def handle(self, *args, **options):
        try:
            seeded = demo_pemda_seed(password=settings.DEMO_PASSWORD)
        except DemoModeRequired as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{len(seeded)} demo Pemda ready")
