"""Throttling of logins and of password emails.

Logins go through django-axes, whose tables are in every schema (a Pemda's failed logins
are counted in its own schema, the platform's in public). Three things are Sinergi's own:

- **The account, not what was typed, is counted.** The login field takes a username, an
  email address or a NIP; each attempt is recorded under the account it names (its
  username), so switching between the three gives no extra tries.
- **Three limits**, one for each of axes' lockout parameters (``AXES_LOCKOUT_PARAMETERS``),
  each within ``LOGIN_COOLOFF_MINUTES``: ``LOGIN_FAILURES_PER_ACCOUNT`` failures for one
  account from one address, or ``LOGIN_FAILURES_PER_ADDRESS`` from one address over all
  accounts, pause logging in from there until the cool-off has passed;
  ``LOGIN_FAILURES_PER_ACCOUNT_ALL_ADDRESSES`` for one account over all addresses lock the
  account itself, for everyone, until the cool-off has passed or an admin unlocks it. The
  last is a ceiling well above the first: without it, many addresses would give an attacker
  unlimited tries at one password; at the first's level, anyone could lock anyone out.
- **The person sees the login page** with a message that says why and for how long (JSON
  under /api/), not a bare 429 page.

Password emails (reset and first password) are counted in ``PasswordEmail`` rows: at most
one per ``PASSWORD_EMAIL_INTERVAL_SECONDS`` and ``PASSWORD_EMAILS_PER_DAY`` per account, and
``PASSWORD_EMAILS_PER_ADDRESS_PER_HOUR`` from one address.
"""

from __future__ import annotations

import datetime
import ipaddress
import math

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.core import signing
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import connection
from django.db.models import Q, Sum
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.timesince import timeuntil
from django.utils.translation import gettext as _

from core.accounts.backends import identifier_lookup

# --- Where a request comes from -----------------------------------------------------------


def client_address(request) -> str | None:
    """The client's IP address. Behind ``TRUSTED_PROXIES`` reverse proxies, each of which
    appends the address it received from to X-Forwarded-For, it is that many entries from
    the right; anything further left was written by the client and proves nothing."""
    address = request.META.get("REMOTE_ADDR")
    proxies = settings.TRUSTED_PROXIES
    if proxies > 0:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        parsed = ipaddress.ip_address(address) if address else None
    except ValueError:
        return None
    if parsed is None:
        return None
    if parsed.version == 6 and parsed.ipv4_mapped:
        return str(parsed.ipv4_mapped)
    if parsed.version == 6:
        # One home or office is given a whole /64 of IPv6 addresses: counted as one, under
        # the first address of the /64.
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address)
    return str(parsed)


# --- Logins (django-axes) -----------------------------------------------------------------


def account_key(user) -> str:
    """The name failed logins are recorded under: the account's username."""
    return user.get_username()


# What axes keeps of an identifier that names no account (its username column holds 255).
IDENTIFIER_KEPT = 255


def login_account_key(request, credentials: dict | None) -> str | None:
    """AXES_USERNAME_CALLABLE: the account the typed identifier names, or the identifier
    itself (normalised) when it names none. Resolved once per request."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials is not None:
        identifier = credentials.get(field)
    else:
        identifier = getattr(request, "POST", {}).get(field)
    if not isinstance(identifier, str) or not identifier.strip():
        return None
    cache = request.__dict__.setdefault("_login_account_keys", {}) if request else {}
    if identifier not in cache:
        lookup = identifier_lookup(identifier)
        user = get_user_model()._default_manager.filter(**lookup).first()
        typed = str(next(iter(lookup.values()))).lower()[:IDENTIFIER_KEPT]
        cache[identifier] = account_key(user) if user else typed
    return cache[identifier]


def login_cooloff(request=None) -> datetime.timedelta:
    """AXES_COOLOFF_TIME (the same for every request)."""
    return datetime.timedelta(minutes=settings.LOGIN_COOLOFF_MINUTES)


# --- Browsers that logged in to an account before ----------------------------------------
# The lock of an account over all addresses (LOGIN_FAILURES_PER_ACCOUNT_ALL_ADDRESSES) stops a
# spread-out guesser, but anyone could then lock the account's owner out too: every Pemda's
# first admin is called "admin". A browser that logged in to the account before carries a
# signed cookie saying so, and that browser is spared the account-wide lock (the limits per
# address still hold for it). The guesser has no such cookie: forging one needs SECRET_KEY.
DEVICE_COOKIE = "sinergi_login_device"
DEVICE_SALT = "core.accounts.throttle.login-device"
DEVICE_MAX_AGE = 180 * 24 * 3600  # seconds


def device_cookie_value(username: str) -> str:
    return signing.dumps([connection.schema_name, username], salt=DEVICE_SALT)


def device_known(request, username: str | None) -> bool:
    """Whether this browser logged in to ``username`` at this Pemda within DEVICE_MAX_AGE."""
    value = getattr(request, "COOKIES", {}).get(DEVICE_COOKIE)
    if not value or username is None:
        return False
    try:
        known = signing.loads(value, salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE)
    except signing.BadSignature:
        return False
    return known == [connection.schema_name, username]


class LoginDeviceMiddleware:
    """Gives a browser that has just logged in the cookie of :func:`device_known`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        value = getattr(request, "login_device_cookie", None)
        if value:
            response.set_cookie(
                DEVICE_COOKIE,
                value,
                max_age=DEVICE_MAX_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response


class LoginThrottleHandler(AxesDatabaseHandler):
    """axes' database handler with a limit of its own for each lockout parameter (account
    and address, address, account) and a successful login that clears only its own
    account's failures from its address."""

    def get_failures(self, request, credentials=None) -> int:
        """Failures counted against ``AXES_FAILURE_LIMIT`` (the per-account-and-address
        limit): the account's from this address, or the limit itself once the address as a
        whole has reached ``LOGIN_FAILURES_PER_ADDRESS`` or the account as a whole
        ``LOGIN_FAILURES_PER_ACCOUNT_ALL_ADDRESSES``. One query."""
        username = get_client_username(request, credentials)
        here = Q(ip_address=request.axes_ip_address)
        account = Q(username=username) if username is not None else Q(pk__in=[])
        counts = AccessAttempt.objects.filter(
            here | account, attempt_time__gte=get_cool_off_threshold(request)
        ).aggregate(
            address=Sum("failures_since_start", filter=here),
            account_here=Sum("failures_since_start", filter=here & account),
            account=Sum("failures_since_start", filter=account),
        )
        account_here = counts["account_here"] or 0
        address_paused = (counts["address"] or 0) >= settings.LOGIN_FAILURES_PER_ADDRESS
        account_locked = (
            counts["account"] or 0
        ) >= settings.LOGIN_FAILURES_PER_ACCOUNT_ALL_ADDRESSES and not device_known(
            request, username
        )
        if address_paused or account_locked:
            return max(account_here, settings.AXES_FAILURE_LIMIT)
        return account_here

    def user_logged_in(self, sender, request, user, **kwargs):
        super().user_logged_in(sender, request, user, **kwargs)
        if request is not None:
            request.login_device_cookie = device_cookie_value(account_key(user))
        AccessAttempt.objects.filter(
            username=account_key(user), ip_address=request.axes_ip_address
        ).delete()


def account_failures(username: str | None) -> int:
    """The failed logins of the account recorded under ``username``, from every address,
    within the cool-off."""
    if username is None:
        return 0
    return (
        AccessAttempt.objects.filter(
            username=username, attempt_time__gte=timezone.now() - login_cooloff()
        ).aggregate(failures=Sum("failures_since_start"))["failures"]
        or 0
    )


def login_locked_out_message(request, credentials=None) -> str:
    """Why the login was refused and for how long at most (the pause ends a cool-off after
    the last counted failure; refused attempts are not counted): the account itself is
    locked, or logging in from this address is paused."""
    minutes = math.ceil(get_cool_off(request).total_seconds() / 60)
    tenant = getattr(request, "tenant", None)
    username = login_account_key(request, credentials)
    if account_failures(username) >= settings.LOGIN_FAILURES_PER_ACCOUNT_ALL_ADDRESSES:
        if tenant is not None and not tenant.is_platform:
            return _(
                "Too many failed logins to this account. For its security, this account is "
                "temporarily locked for at most %(minutes)s minutes, whichever address it is "
                "used from. Try again later, or ask the BKPSDMD admin of your Pemda to "
                "unlock it."
            ) % {"minutes": minutes}
        return _(
            "Too many failed logins to this account. For its security, this account is "
            "temporarily locked for at most %(minutes)s minutes, whichever address it is used "
            "from. Try again later, or ask platform support to unlock it."
        ) % {"minutes": minutes}
    if tenant is not None and not tenant.is_platform:
        return _(
            "Too many failed logins. For your security, logging in from this address is "
            "paused for at most %(minutes)s minutes. Try again later, or ask the BKPSDMD "
            "admin of your Pemda to unlock your account."
        ) % {"minutes": minutes}
    return _(
        "Too many failed logins. For your security, logging in from this address is paused "
        "for at most %(minutes)s minutes. Try again later, or ask platform support to unlock "
        "your account."
    ) % {"minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the login page again (whichever login page it was: the
    product's or the platform admin's), its form saying why and for how long; JSON under
    /api/. Status 429 with Retry-After."""
    message = login_locked_out_message(request, credentials)
    retry_after = str(int(get_cool_off(request).total_seconds()))
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=429)
        response["Retry-After"] = retry_after
        return response
    context = dict(getattr(original_response, "context_data", None) or {})
    template = getattr(original_response, "template_name", None) or "registration/login.html"
    form = context.get("form")
    if form is None:  # not a login view's page: ours, unbound (binding would log in again)
        form = AuthenticationForm(request, initial={"username": request.POST.get("username")})
        context.update(form=form, next=request.POST.get("next", ""))
    if form.is_bound:
        form.errors[NON_FIELD_ERRORS] = form.error_class([message])
    context["login_locked_out"] = message
    response = TemplateResponse(request, template, context, status=429)
    response["Retry-After"] = retry_after
    return response.render()  # axes' middleware runs after the view's rendering


def login_locked(user) -> bool:
    """Whether failed logins keep ``user``'s account from logging in now, from everywhere
    (``LOGIN_FAILURES_PER_ACCOUNT_ALL_ADDRESSES``) or from some address
    (``AXES_FAILURE_LIMIT``), for the admin's page. One query."""
    threshold = timezone.now() - login_cooloff()
    per_address = list(
        AccessAttempt.objects.filter(username=account_key(user), attempt_time__gte=threshold)
        .values("ip_address")
        .annotate(failures=Sum("failures_since_start"))
        .values_list("failures", flat=True)
    )
    return (
        sum(per_address) >= settings.LOGIN_FAILURES_PER_ACCOUNT_ALL_ADDRESSES
        or max(per_address, default=0) >= settings.AXES_FAILURE_LIMIT
    )


# --- Password emails ----------------------------------------------------------------------


def rate_wait(
    times: list[datetime.datetime],
    *,
    now: datetime.datetime,
    limit: int,
    window: datetime.timedelta,
) -> datetime.timedelta | None:
    """How long until one more event is allowed when at most ``limit`` may happen within any
    ``window``, given the ``times`` of earlier ones; None when it is allowed now."""
    recent = sorted(time for time in times if time > now - window)
    if len(recent) < limit:
        return None
    return recent[-limit] + window - now


def password_email_wait(
    *,
    account_times: list[datetime.datetime],
    address_times: list[datetime.datetime],
    now: datetime.datetime,
    daily_times: list[datetime.datetime] | None = None,
) -> datetime.timedelta | None:
    """How long until one more password email may go to an account, given when earlier
    ones went to it and from the same address; None when one may go now."""
    waits = [
        rate_wait(
            account_times,
            now=now,
            limit=1,
            window=datetime.timedelta(seconds=settings.PASSWORD_EMAIL_INTERVAL_SECONDS),
        ),
        rate_wait(
            account_times if daily_times is None else daily_times,
            now=now,
            limit=settings.PASSWORD_EMAILS_PER_DAY,
            window=datetime.timedelta(days=1),
        ),
        rate_wait(
            address_times,
            now=now,
            limit=settings.PASSWORD_EMAILS_PER_ADDRESS_PER_HOUR,
            window=datetime.timedelta(hours=1),
        ),
    ]
    return max((wait for wait in waits if wait is not None), default=None)


def wait_display(wait: datetime.timedelta) -> str:
    """A wait for people: whole minutes, rounded up ("2 minutes", "3 hours, 5 minutes")."""
    now = timezone.now()
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    return timeuntil(now + datetime.timedelta(minutes=minutes), now)
