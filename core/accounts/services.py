from __future__ import annotations

import datetime

from axes.models import AccessAttempt
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.db import connection, transaction
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core.accounts import audit as actions
from core.accounts.models import PasswordEmail, User
from core.accounts.throttle import account_key, login_locked, password_email_wait
from core.audit.services import audit_record
from tenants.links import site_host


def password_link_context(user: User) -> dict:
    """What a password email's templates need: the link's parts, taken from the
    configuration (tenants.links), never from a request."""
    from django.conf import settings

    return {
        "email": user.email,
        "domain": site_host(connection.tenant),
        "site_name": "Sinergi",
        "user": user,
        "username": user.username,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
        "protocol": settings.SITE_SCHEME,
    }


def account_password_setup_send(*, user_id: int) -> str:
    """Send the account's owner a link to set a password; return the address it went to."""
    user = User.objects.get(pk=user_id, is_active=True)
    PasswordResetForm().send_mail(
        subject_template_name="registration/password_setup_subject.txt",
        email_template_name="registration/password_setup_email.txt",
        context=password_link_context(user),
        from_email=None,
        to_email=user.email,
    )
    return user.email


@transaction.atomic
def account_password_email_claim(*, user: User, address: str | None) -> datetime.timedelta | None:
    """Count one password email to ``user`` (asked for from ``address``, or by an admin when
    None) if the limits allow it (core.accounts.throttle); return None when it may go, or
    how long until one may.

    The account's row is locked first, so that requests arriving together are counted one
    after the other rather than all passing the check before any is recorded.
    """
    User.objects.select_for_update().filter(pk=user.pk).first()
    now = timezone.now()
    day_ago = now - datetime.timedelta(days=1)
    PasswordEmail.objects.filter(sent_at__lt=day_ago).delete()  # kept for a day only
    sent = list(
        PasswordEmail.objects.filter(user=user, sent_at__gte=day_ago).values_list(
            "sent_at", "address"
        )
    )
    account_times = [sent_at for sent_at, _address in sent]
    # The daily cap counts the requests anyone can make from the login page, never the
    # admin's: strangers must not be able to use up the admin's link for a day.
    daily_times = [] if address is None else [at for at, origin in sent if origin is not None]
    address_times = []
    if address is not None:
        address_times = list(
            PasswordEmail.objects.filter(
                address=address, sent_at__gte=now - datetime.timedelta(hours=1)
            ).values_list("sent_at", flat=True)
        )
    wait = password_email_wait(
        account_times=account_times,
        address_times=address_times,
        now=now,
        daily_times=daily_times,
    )
    if wait is None:
        PasswordEmail.objects.create(user=user, address=address, sent_at=now)
    return wait


def account_login_locked(user: User) -> bool:
    """True while failed logins keep ``user``'s account from logging in, from everywhere or
    from some address."""
    return login_locked(user)


@transaction.atomic
def account_login_unlock(*, user: User, by, obj=None) -> bool:
    """Forget the failed logins of ``user``'s account (from every address), so that its owner
    may log in again at once; recorded in the audit trail under ``obj`` (the employee whose
    page offers it) or the account. Returns whether the account was locked.

    Failures from an address against other accounts stay: if the address as a whole is
    paused (many accounts tried from it), it stays paused until its cool-off ends.
    """
    locked = account_login_locked(user)
    AccessAttempt.objects.filter(username=account_key(user)).delete()
    if locked:
        audit_record(
            action=actions.LOGIN_UNLOCK,
            obj=obj if obj is not None else user,
            before={"login_locked": True},
            after={"login_locked": False},
            by=by,
        )
    return locked
