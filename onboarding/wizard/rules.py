"""The wizard's rules as pure functions: its steps, which one may be opened, the web address a
region gets, e-mail codes, and what a launch still lacks."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# The organisation files, in the order they are checked and imported (a position names its
# unit, an employee their position and unit).
FILE_KINDS = ("units", "positions", "employees")
EMAIL_CODE_DIGITS = 6
EMAIL_CODE_MAX_ATTEMPTS = 5
EMAIL_CODE_VALID_SECONDS = 30 * 60
EMAIL_CODE_RESEND_SECONDS = 60


@dataclass(frozen=True)
class Step:
    number: int
    label: str


STEPS = (
    Step(1, _("Pemda")),
    Step(2, _("Contact and admin")),
    Step(3, _("Plan")),
    Step(4, _("Template")),
    Step(5, _("Organisation")),
    Step(6, _("Review and launch")),
)
LAST_STEP = STEPS[-1].number


def step_may_open(step: int, step_done: int) -> bool:
    """A step opens once every step before it is complete (a team may go back to any)."""
    return 1 <= step <= min(step_done + 1, LAST_STEP)


def slug_candidates(base: str, level: str, code: str) -> list[str]:
    """Web addresses to try for a region, best first: its name ('surabaya'), then with its
    kind ('kota-bandung' beside 'bandung' of the regency), then with its code."""
    candidates = [base]
    if level in ("kota", "kabupaten") and not base.startswith(("prov-",)):
        candidates.append(f"{'kota' if level == 'kota' else 'kab'}-{base}")
    candidates.append(f"{base}-{re.sub(r'[^0-9]+', '', code)}")
    return candidates


def slug_choose(candidates: list[str], taken: set[str]) -> str | None:
    return next((slug for slug in candidates if slug not in taken), None)


def email_code_new() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(EMAIL_CODE_DIGITS))


def email_code_hash(code: str, *, key: str, salt: str) -> str:
    """A keyed hash of a code (the code itself is never stored); ``salt``: the sign-up."""
    return hmac.new(key.encode(), f"{salt}:{code}".encode(), hashlib.sha256).hexdigest()


def email_code_matches(code: str, stored_hash: str, *, key: str, salt: str) -> bool:
    code = "".join(code.split())
    if not stored_hash or not (code.isascii() and code.isdigit()):
        return False
    return hmac.compare_digest(email_code_hash(code, key=key, salt=salt), stored_hash)


@dataclass(frozen=True)
class LaunchFacts:
    """What the launch rule looks at, read from a sign-up."""

    step_done: int
    email_verified: bool
    plan_chosen: bool
    template_chosen: bool
    check_state: str  # onboarding.models.CheckState
    region_taken: bool


def launch_missing(facts: LaunchFacts) -> list[str]:
    """Why a sign-up cannot be launched yet (empty: it can)."""
    missing = []
    if facts.region_taken:
        missing.append(_("This Pemda is already registered on Sinergi."))
    if not facts.email_verified:
        missing.append(_("The admin's e-mail address is not verified yet (step 2)."))
    if not facts.plan_chosen:
        missing.append(_("No plan is chosen (step 3)."))
    if not facts.template_chosen:
        missing.append(_("No template is chosen (step 4)."))
    if facts.check_state in ("queued", "running"):
        missing.append(_("The uploaded files are still being checked (step 5)."))
    elif facts.check_state in ("bad", "failed"):
        missing.append(_("Some uploaded rows are wrong: fix or remove the files first (step 5)."))
    if facts.step_done < LAST_STEP - 1:
        missing.append(_("Complete every step before launching."))
    return missing
