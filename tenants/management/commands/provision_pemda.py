from django.core.management.base import BaseCommand, CommandError

from tenants.lifecycle import PemdaStatus
from tenants.services import (
    PemdaRequestError,
    pemda_provision,
    pemda_provision_enqueue,
    pemda_request,
)


class Command(BaseCommand):
    help = "Sign up a Pemda by its Kemendagri code and provision it from a template."

    def add_arguments(self, parser):
        parser.add_argument("--code", required=True, help="Kemendagri code, e.g. 35.78")
        parser.add_argument(
            "--template", required=True, help="template name, e.g. surabaya or jabar"
        )
        parser.add_argument(
            "--slug", help="address: <slug>.<PLATFORM_DOMAIN> (default from the name)"
        )
        parser.add_argument("--admin-email", default="", help="email of the first admin")
        parser.add_argument("--admin-password", help="password of the first admin (login 'admin')")
        parser.add_argument(
            "--async",
            action="store_true",
            dest="in_background",
            help="enqueue on the Celery worker instead of provisioning here",
        )

    def handle(self, *args, **options):
        if not (options["admin_email"] or options["admin_password"]):
            raise CommandError(
                "Give --admin-email (the admin gets a link to set a password) or --admin-password: "
                "otherwise nobody could log in to the new Pemda."
            )
        try:
            pemda = pemda_request(
                region_code=options["code"],
                template_name=options["template"],
                slug=options["slug"],
                admin_email=options["admin_email"],
                admin_password=options["admin_password"],
            )
        except PemdaRequestError as exc:
            raise CommandError(str(exc)) from None
        if options["in_background"] and pemda.status != PemdaStatus.ACTIVE:
            pemda_provision_enqueue(pemda, restart=True)
            self.stdout.write(
                f"{pemda.name}: provisioning enqueued ({pemda.status}); it is active once a "
                "Celery worker has run it."
            )
            return
        pemda = pemda_provision(pemda_id=pemda.pk, restart=True)
        if pemda.status != PemdaStatus.ACTIVE:
            raise CommandError(_not_active_message(pemda))
        self.stdout.write(f"{pemda.name} ({pemda.code}): {pemda.status} at http://{pemda.web_host}")


def _not_active_message(pemda) -> str:
    """Why the Pemda is not active after this run: the command never reports success then."""
    if pemda.status == PemdaStatus.FAILED:
        return f"{pemda.name}: provisioning failed: {pemda.error}"
    if pemda.status == PemdaStatus.PROVISIONING:
        since = (
            f", since {pemda.status_changed_at:%Y-%m-%d %H:%M:%S %Z}"
            if pemda.status_changed_at
            else ""
        )
        return (
            f"{pemda.name} is not active yet: another process (a Celery worker) is "
            f"provisioning it{since}. Run this command again in a minute to see the outcome."
        )
    return f"{pemda.name} is {pemda.status}, not active; provisioning does not reopen it."
