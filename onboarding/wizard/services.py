"""Writes of the sign-up wizard: each step saves its part of the SignUp; the launch hands it
to the provisioning service (tenants.services) through a compare-and-set on its state."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from onboarding.models import CheckState, SignUp, SignUpFile, SignUpState
from onboarding.wizard import access, rules
from onboarding.wizard.selectors import (
    draft_holds_q,
    plan_offered,
    region_refusal,
    signup_hold_since,
    signups_holding,
    template_offered,
)
from tenants.lifecycle import PemdaStatus
from tenants.links import site_origin
from tenants.models import Pemda, Region, template_schema_name
from tenants.services import (
    PemdaRequestError,
    pemda_request,
    region_for_code,
    slug_default,
    slug_validate,
)

logger = logging.getLogger(__name__)


class SignUpError(ValueError):
    """A step that cannot be saved as asked; the message is for the user, nothing changed."""


# --- Step 1: the Pemda --------------------------------------------------------------------


def _region_get(region_code: str) -> Region:
    try:
        return region_for_code(region_code)
    except PemdaRequestError as exc:
        raise SignUpError(str(exc)) from None


def slug_for_region(region: Region) -> str:
    """The web address a region gets: its name, or a variant when that one is taken."""
    base = slug_default(region)
    candidates = []
    for slug in rules.slug_candidates(base, region.level, region.code):
        try:
            slug_validate(slug)
        except PemdaRequestError:
            continue
        candidates.append(slug)
    taken = set(Pemda.objects.filter(slug__in=candidates).values_list("slug", flat=True))
    taken |= set(
        signups_holding()
        .filter(slug__in=candidates)
        .exclude(region=region)
        .values_list("slug", flat=True)
    )
    chosen = rules.slug_choose(candidates, taken)
    if chosen is None:
        raise SignUpError(_("No free web address is left for %(name)s.") % {"name": region.name})
    return chosen


def _region_hold(region: Region, *, own: SignUp | None) -> None:
    refusal = region_refusal(region, own=own)
    if refusal:
        raise SignUpError(refusal)
    # A draft that does not hold its region (never verified, or untouched for
    # SIGNUP_HOLD_DAYS) lets go of it.
    SignUp.objects.filter(region=region, state=SignUpState.DRAFT).exclude(draft_holds_q()).exclude(
        pk=getattr(own, "pk", None)
    ).update(state=SignUpState.EXPIRED)


def signup_start(*, region_code: str) -> SignUp:
    """Begin a sign-up for a region that is neither registered nor being signed up."""
    region = _region_get(region_code)
    try:
        with transaction.atomic():
            _region_hold(region, own=None)
            return SignUp.objects.create(region=region, slug=slug_for_region(region), step_done=1)
    except IntegrityError:  # another team started the same region a moment ago
        raise SignUpError(region_refusal(region) or _("Try again.")) from None


def _locked(signup: SignUp) -> SignUp:
    """The sign-up's row, locked for this transaction; refused unless still in progress."""
    locked = SignUp.objects.select_for_update().select_related("region").get(pk=signup.pk)
    if locked.state == SignUpState.EXPIRED:
        raise SignUpError(
            _(
                "This sign-up no longer holds its Pemda: it was not verified, or left untouched, "
                "and another team has started one since. Start again."
            )
        )
    if locked.state != SignUpState.DRAFT:
        raise SignUpError(_("This sign-up has been launched already; it can no longer change."))
    return locked


def signup_region_change(*, signup: SignUp, region_code: str) -> SignUp:
    region = _region_get(region_code)
    try:
        with transaction.atomic():
            locked = _locked(signup)
            if region.pk == locked.region_id:
                return locked
            if locked.pemda_id is not None:
                raise SignUpError(
                    _("A Pemda has been prepared for %(name)s already; it cannot change now.")
                    % {"name": locked.region.name}
                )
            _region_hold(region, own=locked)
            locked.region = region
            locked.slug = slug_for_region(region)
            locked.save(update_fields=["region", "slug", "updated_at"])
            return locked
    except IntegrityError:
        raise SignUpError(region_refusal(region) or _("Try again.")) from None


# --- Step 2: contact and first admin, e-mail verified -------------------------------------


def signup_contact_save(*, signup: SignUp, **fields) -> SignUp:
    """Save the contact and the first admin; a new admin address must be verified again
    (a code is sent to it), and the files are checked again (an employee row may hold the
    admin's address). ``password`` may be left out once one is set."""
    locked, version = _signup_contact_save(signup=signup, **fields)
    return _files_rechecked(locked, version)


def _files_rechecked(locked: SignUp, version: int | None) -> SignUp:
    """After the commit that queued a new check of the files (``version``), run it."""
    if version is None:
        return locked
    _files_check_run_now_or_later(locked, version)
    locked.refresh_from_db()
    return locked


@transaction.atomic
def _signup_contact_save(
    *,
    signup: SignUp,
    contact_name: str,
    contact_phone: str,
    contact_email: str,
    admin_name: str,
    admin_email: str,
    password: str = "",
) -> tuple[SignUp, int | None]:
    locked = _locked(signup)
    admin_email = admin_email.strip()
    if not password and not locked.admin_password_hash:
        raise SignUpError(_("Choose a password for the admin account."))
    email_changed = admin_email.lower() != locked.admin_email.lower()
    locked.contact_name = contact_name.strip()
    locked.contact_phone = contact_phone.strip()
    locked.contact_email = contact_email.strip()
    locked.admin_name = admin_name.strip()
    locked.admin_email = admin_email
    if password:
        locked.admin_password_hash = make_password(password)
    if email_changed:
        locked.email_verified_at = None
        locked.email_code_hash = ""
        locked.email_code_sent_at = None
        locked.email_code_attempts = 0
    locked.step_done = max(locked.step_done, 2) if locked.email_verified_at else 1
    locked.save()
    version = _files_check_queue(locked) if email_changed else None
    if not locked.email_verified_at:
        _email_code_send(locked)
    return locked, version


def _email_code_send(signup: SignUp) -> None:
    code = rules.email_code_new()
    signup.email_code_hash = rules.email_code_hash(
        code, key=settings.SECRET_KEY, salt=str(signup.public_id)
    )
    signup.email_code_sent_at = timezone.now()
    signup.email_code_attempts = 0
    signup.save(update_fields=["email_code_hash", "email_code_sent_at", "email_code_attempts"])
    origin = site_origin(None)
    context = {
        "signup": signup,
        "code": code,
        "verify_url": f"{origin}/daftar/verifikasi/"
        f"{access.verify_token(signup.public_id, signup.admin_email)}/",
        "resume_url": f"{origin}/daftar/lanjut/"
        f"{access.resume_token(signup.public_id, signup.admin_email)}/",
        "minutes": rules.EMAIL_CODE_VALID_SECONDS // 60,
    }
    body = render_to_string("onboarding/wizard/email_code.txt", context)
    subject = _("Your Sinergi sign-up code: %(code)s") % {"code": code}
    # A failed send keeps the step saved: the team asks for a new code ("Send a new code").
    try:
        send_mail(subject, body, None, [signup.admin_email])
    except Exception:
        logger.exception("The sign-up code for %s could not be sent", signup.public_id)
    signup._demo_code = code  # shown on the page in DEMO_MODE only (views)


@transaction.atomic
def signup_email_code_resend(*, signup: SignUp) -> SignUp:
    locked = _locked(signup)
    if locked.email_verified_at or not locked.admin_email:
        return locked
    sent = locked.email_code_sent_at
    if sent and (timezone.now() - sent).total_seconds() < rules.EMAIL_CODE_RESEND_SECONDS:
        raise SignUpError(
            _("A code was sent less than a minute ago; wait a moment before asking again.")
        )
    _email_code_send(locked)
    return locked


def signup_email_verify(*, signup: SignUp, code: str) -> SignUp:
    """Check the code typed in; at most EMAIL_CODE_MAX_ATTEMPTS tries per code (a wrong
    one is counted, and the count kept, before the error is raised)."""
    with transaction.atomic():
        locked = _locked(signup)
        if locked.email_verified_at:
            return locked
        sent = locked.email_code_sent_at
        if not locked.email_code_hash or sent is None:
            raise SignUpError(_("No code has been sent yet; save the form to get one."))
        if (timezone.now() - sent).total_seconds() > rules.EMAIL_CODE_VALID_SECONDS:
            raise SignUpError(_("The code has expired; ask for a new one."))
        if locked.email_code_attempts >= rules.EMAIL_CODE_MAX_ATTEMPTS:
            raise SignUpError(_("Too many wrong codes; ask for a new one."))
        if rules.email_code_matches(
            code, locked.email_code_hash, key=settings.SECRET_KEY, salt=str(locked.public_id)
        ):
            return _verified(locked)
        SignUp.objects.filter(pk=locked.pk).update(
            email_code_attempts=locked.email_code_attempts + 1
        )
    raise SignUpError(_("The code is not correct; check the e-mail and try again."))


def _verified(locked: SignUp) -> SignUp:
    locked.email_verified_at = timezone.now()
    locked.email_code_hash = ""
    locked.step_done = max(locked.step_done, 2)
    locked.save(update_fields=["email_verified_at", "email_code_hash", "step_done", "updated_at"])
    return locked


@transaction.atomic
def signup_email_verify_link(*, public_id: str, email: str) -> SignUp | None:
    """Verify through the e-mailed link: only for the address it was sent to."""
    signup = SignUp.objects.filter(public_id=public_id, state=SignUpState.DRAFT).first()
    if signup is None:
        return None
    locked = _locked(signup)
    if locked.admin_email.lower() != email.lower():
        return None
    return locked if locked.email_verified_at else _verified(locked)


# --- Steps 3 and 4: plan and template -----------------------------------------------------


@transaction.atomic
def signup_plan_set(*, signup: SignUp, plan_code: str) -> SignUp:
    locked = _locked(signup)
    if locked.step_done < 2:
        raise SignUpError(_("Verify the admin's e-mail address first (step 2)."))
    if plan_offered(plan_code) is None:
        raise SignUpError(_("Choose one of the plans offered."))
    locked.plan_code = plan_code
    locked.step_done = max(locked.step_done, 3)
    locked.save(update_fields=["plan_code", "step_done", "updated_at"])
    return locked


def signup_template_set(*, signup: SignUp, template_name: str, language: str) -> SignUp:
    """Choose the template; the files are checked again against its rules."""
    locked, version = _signup_template_set(
        signup=signup, template_name=template_name, language=language
    )
    return _files_rechecked(locked, version)


@transaction.atomic
def _signup_template_set(*, signup: SignUp, template_name: str, language: str):
    locked = _locked(signup)
    if locked.step_done < 3:
        raise SignUpError(_("Choose a plan first (step 3)."))
    if template_offered(template_name, language=language) is None:
        raise SignUpError(_("Choose one of the templates offered."))
    changed = locked.template_name != template_name
    locked.template_name = template_name
    locked.step_done = max(locked.step_done, 4)
    locked.save(update_fields=["template_name", "step_done", "updated_at"])
    return locked, (_files_check_queue(locked) if changed else None)


# --- Step 5: organisation files -----------------------------------------------------------


def signup_file_put(*, signup: SignUp, kind: str, filename: str, data: bytes) -> SignUp:
    """Keep (or replace) one organisation file and check every file again."""
    if kind not in rules.FILE_KINDS:
        raise SignUpError(_("Choose what the file holds."))
    with transaction.atomic():
        locked = _locked(signup)
        if locked.step_done < 4:
            raise SignUpError(_("Choose a template first (step 4)."))
        SignUpFile.objects.update_or_create(
            signup=locked,
            kind=kind,
            defaults={"filename": filename[-255:], "data": data, "size": len(data), "report": {}},
        )
        version = _files_check_queue(locked)
    return _files_rechecked(locked, version)


def signup_file_remove(*, signup: SignUp, kind: str) -> SignUp:
    with transaction.atomic():
        locked = _locked(signup)
        SignUpFile.objects.filter(signup=locked, kind=kind).delete()
        version = _files_check_queue(locked)
    return _files_rechecked(locked, version)


@transaction.atomic
def signup_files_done(*, signup: SignUp) -> SignUp:
    """Leave step 5: with no files, or with every file checked and correct."""
    locked = _locked(signup)
    if locked.step_done < 4:
        raise SignUpError(_("Choose a template first (step 4)."))
    if locked.check_state in (CheckState.QUEUED, CheckState.RUNNING):
        raise SignUpError(_("The files are still being checked; wait a moment."))
    if locked.check_state in (CheckState.BAD, CheckState.FAILED):
        raise SignUpError(
            _("Some rows are wrong: fix the files and upload them again, or remove them.")
        )
    locked.step_done = max(locked.step_done, 5)
    locked.save(update_fields=["step_done", "updated_at"])
    return locked


def _files_check_queue(locked: SignUp) -> int:
    """Mark the files to be checked again (a new version: a check of an older set is
    ignored); returns the version."""
    has_files = SignUpFile.objects.filter(signup=locked).exists()
    locked.check_version += 1
    locked.check_state = CheckState.QUEUED if has_files else CheckState.NONE
    locked.check_kind = ""
    locked.check_rows = 0
    locked.save(update_fields=["check_version", "check_state", "check_kind", "check_rows"])
    if has_files and not locked.template_name:
        locked.check_state = CheckState.NONE
        locked.save(update_fields=["check_state"])
    if has_files and locked.template_name and locked.step_done >= 5:
        locked.step_done = 4  # step 5 must be passed again with the new check
        locked.save(update_fields=["step_done"])
    return locked.check_version


def _files_check_run_now_or_later(signup: SignUp, version: int) -> None:
    """Small files are checked at once, during the request; larger ones on a worker."""
    from core.importing.services import SYNCHRONOUS_MAX_BYTES
    from onboarding.wizard.checking import signup_files_check

    if not SignUp.objects.filter(pk=signup.pk, check_state=CheckState.QUEUED).exists():
        return
    size = sum(SignUpFile.objects.filter(signup=signup).values_list("size", flat=True))
    if size <= SYNCHRONOUS_MAX_BYTES:
        signup_files_check(signup_id=signup.pk, version=version, inline=True)
    else:
        from onboarding.tasks import signup_files_check_task

        transaction.on_commit(lambda: signup_files_check_task.delay(signup.pk, version))


# --- Step 6: launch -----------------------------------------------------------------------


def launch_facts(signup: SignUp) -> rules.LaunchFacts:
    return rules.LaunchFacts(
        step_done=signup.step_done,
        email_verified=signup.email_verified_at is not None,
        plan_chosen=bool(signup.plan_code) and plan_offered(signup.plan_code) is not None,
        template_chosen=bool(signup.template_name),
        check_state=signup.check_state,
        region_taken=Pemda.objects.filter(region_id=signup.region_id)
        .exclude(pk=signup.pemda_id)
        .exists(),
    )


def signup_launch(*, signup: SignUp) -> SignUp:
    """Launch once: the first of two clicks or tabs moves the sign-up from draft to
    launching (compare-and-set) and requests its Pemda; any later one finds it launching
    and gets that same launch back.

    1. Check that nothing is missing (rules.launch_missing).
    2. In one transaction: claim the sign-up (draft → launching), request the Pemda
       (tenants.services.pemda_request: a 'requested' row), link it.
    3. After the commit, a worker provisions it (onboarding.tasks.signup_launch_task).
    """
    from onboarding.tasks import signup_launch_task

    current = SignUp.objects.select_related("region").get(pk=signup.pk)
    if current.state != SignUpState.DRAFT:
        return current
    missing = rules.launch_missing(launch_facts(current))
    if missing:
        raise SignUpError(" ".join(str(reason) for reason in missing))
    try:
        with transaction.atomic():
            # Only the sign-up as checked: an upload in another tab since then (a new
            # check_version) must be checked before anything is launched with it.
            claimed = SignUp.objects.filter(
                pk=current.pk,
                state=SignUpState.DRAFT,
                check_version=current.check_version,
                check_state__in=(CheckState.NONE, CheckState.OK),
            ).update(
                state=SignUpState.LAUNCHING,
                launched_at=timezone.now(),
                progress_step="queued",
                error="",
            )
            if claimed != 1:
                now = SignUp.objects.get(pk=current.pk)
                if now.state == SignUpState.DRAFT:  # the files changed meanwhile
                    raise SignUpError(_("The files changed; check them again (step 5)."))
                return now  # the other click won
            if current.pemda_id is not None:  # revised after a failed launch
                _launch_again(current)
                transaction.on_commit(lambda: signup_launch_task.delay(current.pk, restart=True))
                return SignUp.objects.select_related("pemda").get(pk=current.pk)
            slug = current.slug
            if Pemda.objects.filter(slug=slug).exists():
                slug = slug_for_region(current.region)
            pemda = pemda_request(
                region_code=current.region_id,
                template_name=current.template_name,
                slug=slug,
                admin_email=current.admin_email,
                admin_password_hash=current.admin_password_hash,
            )
            if pemda.status != "requested" or SignUp.objects.filter(pemda=pemda).exists():
                raise SignUpError(region_refusal(current.region) or _("Try again."))
            SignUp.objects.filter(pk=current.pk).update(pemda=pemda, slug=slug)
            _launch_audit(current, pemda)
            transaction.on_commit(lambda: signup_launch_task.delay(current.pk))
    except PemdaRequestError as exc:
        raise SignUpError(str(exc)) from None
    except IntegrityError:
        raise SignUpError(region_refusal(current.region) or _("Try again.")) from None
    return SignUp.objects.select_related("pemda").get(pk=current.pk)


def _launch_again(signup: SignUp) -> None:
    """The sign-up's failed Pemda takes the sign-up's choices as they are now (template,
    first admin) before it is provisioned again."""
    template = Pemda.objects.get(
        is_template=True, schema_name=template_schema_name(signup.template_name)
    )
    updated = Pemda.objects.filter(pk=signup.pemda_id, status=PemdaStatus.FAILED).update(
        template=template,
        template_version=template.template_version,
        admin_email=signup.admin_email,
        admin_password_hash=signup.admin_password_hash,
    )
    if updated != 1:
        raise SignUpError(_("The Pemda is being prepared already; wait a moment."))


@transaction.atomic
def signup_launch_revise(*, signup: SignUp) -> SignUp:
    """A failed launch goes back to the wizard (step 5: the files are checked again), so the
    team can fix what failed; the Pemda row waits, failed, for the next launch."""
    claimed = SignUp.objects.filter(
        pk=signup.pk, state=SignUpState.FAILED, pemda__isnull=False
    ).update(state=SignUpState.DRAFT, progress_step="", step_done=4)
    locked = SignUp.objects.select_for_update().get(pk=signup.pk)
    if claimed == 1:
        locked.error = ""
        locked.save(update_fields=["error", "updated_at"])
    return locked


def signup_launch_retry(*, signup: SignUp) -> SignUp:
    """Try a failed launch again: the same Pemda row, provisioned afresh (its failed
    attempt left nothing behind); a second click finds it launching already."""
    from onboarding.tasks import signup_launch_task

    with transaction.atomic():
        claimed = SignUp.objects.filter(
            pk=signup.pk, state=SignUpState.FAILED, pemda__isnull=False
        ).update(state=SignUpState.LAUNCHING, progress_step="queued", error="")
        if claimed == 1:
            transaction.on_commit(lambda: signup_launch_task.delay(signup.pk, restart=True))
    return SignUp.objects.select_related("pemda").get(pk=signup.pk)


def _launch_audit(signup: SignUp, pemda: Pemda) -> None:
    try:
        from core.audit.services import audit_record
    except ImportError:  # pragma: no cover
        return
    audit_record(
        action="onboarding.signup.launch",
        obj=signup,
        after={
            "pemda": pemda.slug,
            "region": signup.region_id,
            "template": signup.template_name,
            "plan": signup.plan_code,
            "admin_email": signup.admin_email,
        },
    )


def signups_abandoned_purge() -> int:
    """Periodic: a draft nobody touched for SIGNUP_HOLD_DAYS expires, and an expired sign-up
    keeps no personal data (the uploaded files' bytes, the admin's password hash). Returns
    how many sign-ups were purged."""
    SignUp.objects.filter(state=SignUpState.DRAFT).exclude(
        updated_at__gte=signup_hold_since()
    ).update(state=SignUpState.EXPIRED)
    expired = SignUp.objects.filter(state=SignUpState.EXPIRED)
    SignUpFile.objects.filter(signup__in=expired).exclude(size=0).update(data=b"", size=0)
    return expired.exclude(admin_password_hash="").update(admin_password_hash="")
