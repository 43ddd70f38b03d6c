import logging

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm

from core.accounts.models import User
from core.accounts.services import account_password_email_claim
from core.accounts.throttle import client_address
from tenants.links import site_host

logger = logging.getLogger(__name__)


class PasswordSetupOrResetForm(PasswordResetForm):
    """Also serves accounts that never had a password (employees created by an import):
    the link goes only to the address on the account, so it proves ownership either way.

    The link is built from the configuration (tenants.links), never from the request's
    Host header; emails are rate-limited per account and per address
    (core.accounts.throttle). Either way the page says the same thing, so it never tells
    whether an account exists.
    """

    def get_users(self, email):
        return User.objects.filter(email__iexact=email, is_active=True).exclude(email="")

    def save(self, domain_override=None, use_https=False, request=None, **kwargs):
        self.address = client_address(request) if request is not None else None
        tenant = getattr(request, "tenant", None)
        super().save(
            domain_override=site_host(tenant),
            use_https=settings.SITE_SCHEME == "https",
            request=request,
            **kwargs,
        )

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        user = context["user"]
        wait = account_password_email_claim(user=user, address=getattr(self, "address", None))
        if wait is not None:
            logger.info("Password email to account %s held back for %s", user.pk, wait)
            return
        super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)
