"""The launch on the worker: provision the sign-up's Pemda, with its organisation imported in
the same transaction (the provisioning hook below), and say how it went.

Progress, step by step: queued → cloning (the template's schema) → units → positions →
employees (the files uploaded) → done; or failed, with the reason in Indonesian and a retry
that reuses the same Pemda row (the failed attempt's schema was rolled back with it).
"""

from __future__ import annotations

import logging

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.accounts.models import User
from core.importing.engine import table_import
from onboarding.models import SignUp, SignUpFile, SignUpState
from onboarding.wizard import rules
from onboarding.wizard.progress import side_writer
from tenants.lifecycle import PemdaStatus
from tenants.services import FIRST_ADMIN_USERNAME, pemda_provision

logger = logging.getLogger(__name__)

STEP_LABELS = {
    "queued": gettext_lazy("Waiting for a worker"),
    "cloning": gettext_lazy("Copying the template's configuration"),
    "units": gettext_lazy("Importing units"),
    "positions": gettext_lazy("Importing positions"),
    "employees": gettext_lazy("Importing employees and their accounts"),
    "done": gettext_lazy("The Pemda's site is ready"),
}


class SignUpImportError(RuntimeError):
    """A checked file that the launch could not import after all; the message is for the
    user (and becomes the Pemda's provisioning error)."""


def launch_steps(kinds: list[str]) -> list[str]:
    """The steps of a launch whose sign-up uploaded files of ``kinds``."""
    return ["queued", "cloning", *[kind for kind in rules.FILE_KINDS if kind in kinds], "done"]


def signup_provision(*, signup_id: int, restart: bool = False) -> SignUp:
    """Provision a launching sign-up's Pemda (a no-op otherwise); safe to run again."""
    signup = SignUp.objects.filter(pk=signup_id).first()
    if signup is None or signup.state != SignUpState.LAUNCHING or signup.pemda_id is None:
        return signup
    SignUp.objects.filter(pk=signup_id, state=SignUpState.LAUNCHING).update(progress_step="cloning")
    pemda_provision(pemda_id=signup.pemda_id, restart=restart)
    return signup_launch_settle(signup_id=signup_id)


def signup_launch_settle(*, signup_id: int) -> SignUp:
    """A launching sign-up whose Pemda ended failed is failed too, with the reason."""
    signup = SignUp.objects.select_related("pemda").get(pk=signup_id)
    pemda = signup.pemda
    if signup.state == SignUpState.LAUNCHING and pemda and pemda.status == PemdaStatus.FAILED:
        SignUp.objects.filter(pk=signup_id, state=SignUpState.LAUNCHING).update(
            state=SignUpState.FAILED, error=failure_message(pemda.error), progress_step=""
        )
        signup.refresh_from_db()
    return signup


def failure_message(error: str) -> str:
    """What the team reads when the launch failed: the reason when it is one of ours (in
    Indonesian already), else a plain statement; nothing was kept either way."""
    prefix = f"{SignUpImportError.__name__}: "
    if error.startswith(prefix):
        reason = error[len(prefix) :]
    else:  # the technical detail is for platform staff (/staf/ and the log), not the team
        reason = _(
            "A technical fault stopped the site from being prepared; the platform team has "
            "the details."
        )
    return _("%(reason)s Nothing was created; you can try again.") % {"reason": reason}


def signup_provision_hook(*, pemda) -> None:
    """PROVISION_HOOKS: inside the provisioning transaction, in the new Pemda's schema.

    1. Find the sign-up that asked for this Pemda (none: provisioned another way; no-op).
    2. Name the first admin as the team typed it.
    3. Import units, positions, employees from the checked files, all or nothing; progress
       goes through a second connection, so the page sees each step now.
    4. Start the subscription to the chosen plan.
    5. Mark the sign-up done and drop the files' bytes: in the same transaction as the
       Pemda becoming active, so the two never disagree.
    """
    signup = SignUp.objects.filter(pemda_id=pemda.pk).first()
    if signup is None or signup.state not in (SignUpState.LAUNCHING, SignUpState.FAILED):
        return
    if signup.admin_name:
        User.objects.filter(username=FIRST_ADMIN_USERNAME).update(name=signup.admin_name)
    files = {file.kind: file for file in SignUpFile.objects.filter(signup=signup)}
    with side_writer(signup.pk) as side:
        for kind in rules.FILE_KINDS:
            file = files.get(kind)
            if file is None or not bytes(file.data):
                continue
            side.update(progress_step=kind)
            report = table_import(kind=kind, data=bytes(file.data), filename=file.filename)
            if not report.written:
                first = report.errors[0].message if report.errors else ""
                raise SignUpImportError(
                    _("The file %(name)s could not be imported: %(reason)s")
                    % {"name": file.filename, "reason": first}
                )
    _subscription_start(pemda, signup.plan_code)
    # The files' bytes and the admin's password hash now live in the Pemda only.
    SignUpFile.objects.filter(signup=signup).update(data=b"")
    SignUp.objects.filter(pk=signup.pk).update(
        state=SignUpState.DONE,
        progress_step="done",
        error="",
        finished_at=timezone.now(),
        admin_password_hash="",
    )


def _subscription_start(pemda, plan_code: str) -> None:
    """The one place the wizard starts billing (tenants' billing service)."""
    from tenants.billing import BillingError, subscription_start
    from tenants.billing_models import Plan

    plan = Plan.objects.filter(code=plan_code).first()
    if plan is None:
        raise SignUpImportError(_("The chosen plan is no longer offered."))
    try:
        subscription_start(pemda=pemda, plan=plan)
    except BillingError as exc:
        raise SignUpImportError(str(exc)) from None
