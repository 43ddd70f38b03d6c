"""Reads for the sign-up wizard: regions to choose from, plans, templates and their preview,
and a sign-up as the request may see it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from onboarding.models import HOLDING_STATES, SignUp, SignUpState
from onboarding.wizard import access
from tenants.models import Pemda, Region

REGION_RESULTS_MAX = 15


def region_search(query: str) -> QuerySet[Region]:
    """Autonomous regions whose name or Kemendagri code contains ``query`` (codes also
    typed without their dot: '3578' finds 35.78)."""
    query = " ".join(query.split())[:60]
    if not query:
        return Region.objects.none()
    condition = Q(name__icontains=query) | Q(code__startswith=query)
    digits = query.replace(".", "")
    if digits.isdigit() and len(digits) > 2:
        condition |= Q(code=f"{digits[:2]}.{digits[2:]}")
    return (
        Region.objects.filter(condition, autonomous=True)
        .select_related("province")
        .order_by("level", "name")[:REGION_RESULTS_MAX]
    )


def signup_hold_since():
    """Sign-ups untouched since before this no longer hold their region."""
    return timezone.now() - timedelta(days=settings.SIGNUP_HOLD_DAYS)


def draft_holds_q() -> Q:
    """A draft holds its region once its admin address is verified (an anonymous visitor
    cannot block a region by starting sign-ups), and until it is SIGNUP_HOLD_DAYS old."""
    return Q(email_verified_at__isnull=False, updated_at__gte=signup_hold_since())


def signups_holding() -> QuerySet[SignUp]:
    """Sign-ups that hold their region (and web address): launching or launched, or a draft
    as ``draft_holds_q`` says."""
    return SignUp.objects.filter(state__in=HOLDING_STATES).filter(
        draft_holds_q() | ~Q(state=SignUpState.DRAFT)
    )


def region_holders(codes: list[str]) -> tuple[set[str], set[str]]:
    """(codes registered as a Pemda, codes held by a sign-up in progress) among ``codes``."""
    registered = set(Pemda.objects.filter(region_id__in=codes).values_list("region_id", flat=True))
    held = set(signups_holding().filter(region_id__in=codes).values_list("region_id", flat=True))
    return registered, held


def region_refusal(region: Region, *, own: SignUp | None = None) -> str | None:
    """Why ``region`` cannot start a sign-up (None: it can). ``own``: the caller's sign-up,
    which does not stand in its own way."""
    if not region.autonomous:
        return _("%(name)s has no autonomous government of its own to sign up.") % {
            "name": region.name
        }
    if Pemda.objects.filter(region=region).exists():
        return _(
            "%(name)s is already registered on Sinergi. Its BKPSDMD can log in at its own "
            "site; ask them for an account."
        ) % {"name": region.government_name}
    others = signups_holding().filter(region=region)
    if own is not None:
        others = others.exclude(pk=own.pk)
    if others.exists():
        return _(
            "Another team is already signing %(name)s up. If that is your team, open the link "
            "in the e-mail it received to continue."
        ) % {"name": region.government_name}
    return None


# --- Plans --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanOption:
    code: str
    name: str
    description: str
    price: str  # formatted, per employee per month
    trial_days: int


def plans_offered() -> list[PlanOption]:
    """The plans a new Pemda may choose (tenants' billing, the one place that knows them)."""
    from tenants.billing_models import Plan

    return [
        PlanOption(
            code=plan.code,
            name=plan.name,
            description=plan.description,
            price=_("Rp %(amount)s per employee per month")
            % {"amount": f"{int(plan.price_per_employee_month.amount):,}".replace(",", ".")},
            trial_days=plan.trial_days,
        )
        for plan in Plan.objects.filter(is_active=True).order_by("order", "code")
    ]


def plan_offered(code: str) -> PlanOption | None:
    return next((plan for plan in plans_offered() if plan.code == code), None)


# --- Templates ----------------------------------------------------------------------------


def templates_offered(*, language: str):
    """The templates a new Pemda may start from (the catalogue's: built and published)."""
    from onboarding.selectors import template_catalogue

    return template_catalogue(language=language)


def template_offered(name: str, *, language: str):
    return next((t for t in templates_offered(language=language) if t.name == name), None)


def template_preview(name: str, *, language: str):
    """What the template sets, described for people (onboarding.selectors)."""
    from onboarding.selectors import template_preview as preview

    return preview(name, language)


# --- A sign-up, as the request may see it -------------------------------------------------


def signup_for_request(request, public_id) -> SignUp:
    """The sign-up ``public_id`` if this browser session started or resumed it; else 404
    (the same answer as a sign-up that does not exist)."""
    if not access.session_holds(request, public_id):
        raise Http404
    signup = (
        SignUp.objects.select_related("region__province", "pemda")
        .filter(public_id=public_id)
        .first()
    )
    if signup is None or signup.state == SignUpState.EXPIRED:
        raise Http404
    return signup


def signup_files(signup: SignUp) -> dict:
    """{kind: SignUpFile} without the files' bytes."""
    return {file.kind: file for file in signup.files.defer("data")}
