"""Checking a sign-up's organisation files before anything is created.

The files are imported for real, with the import engine's own rules (core.importing,
core.org.imports), in a scratch copy of the chosen template made inside a transaction that
is always rolled back: what the report says is what the launch will find, and nothing is
kept. Units, then positions, then employees, each with its good rows kept for the next file
(so a position is checked against the units of the file before it); the first admin is
made first, as the launch makes it (an employee row with the admin's address is refused
here, not at launch).
"""

from __future__ import annotations

import copy
import logging
import secrets

from django.db import connection, transaction

from core.accounts.models import Role, User
from core.importing.engine import table_import
from core.importing.limits import DEFAULT_LIMITS
from core.importing.services import SYNCHRONOUS_LIMITS
from onboarding.models import CheckState, SignUp, SignUpFile
from onboarding.wizard import rules
from onboarding.wizard.progress import side_writer
from tenants.cloning import schema_clone
from tenants.models import Pemda, template_schema_name
from tenants.services import FIRST_ADMIN_USERNAME

logger = logging.getLogger(__name__)


def signup_files_check(*, signup_id: int, version: int, inline: bool = False) -> str:
    """Check the files of ``version`` (a later upload makes a new version, and this run's
    outcome is then dropped); returns the check state. ``inline``: during a request (no
    progress written)."""
    if not SignUp.objects.filter(
        pk=signup_id, check_version=version, check_state=CheckState.QUEUED
    ).update(check_state=CheckState.RUNNING):
        return SignUp.objects.get(pk=signup_id).check_state
    signup = SignUp.objects.get(pk=signup_id)
    files = {file.kind: file for file in SignUpFile.objects.filter(signup=signup)}
    try:
        reports = _check(signup, files, inline=inline)
    except Exception:
        logger.exception("Checking the files of sign-up %s failed", signup_id)
        connection.set_schema_to_public()
        SignUp.objects.filter(pk=signup_id, check_version=version).update(
            check_state=CheckState.FAILED, check_kind=""
        )
        return CheckState.FAILED
    connection.set_schema_to_public()
    state = CheckState.OK
    with transaction.atomic():
        for kind, report in reports.items():
            SignUpFile.objects.filter(signup=signup, kind=kind).update(report=report)
            if report["unusable"] or report["error_count"]:
                state = CheckState.BAD
        SignUp.objects.filter(pk=signup_id, check_version=version).update(
            check_state=state, check_kind="", check_rows=0
        )
    return state


def _check(signup: SignUp, files: dict, *, inline: bool) -> dict[str, dict]:
    """The import reports, from a scratch copy of the template made inside a transaction that
    is rolled back. In the template itself, two teams' checks would wait on each other's
    uncommitted rows (the first admin, a unit code …) for as long as the first one ran."""
    template = Pemda.objects.get(
        is_template=True, schema_name=template_schema_name(signup.template_name)
    )
    scratch = copy.copy(template)
    scratch.schema_name = f"chk_{signup.pk}_{signup.check_version}_{secrets.token_hex(4)}"
    reports = {}
    with side_writer(signup.pk) as side:
        with transaction.atomic():
            schema_clone(source=template.schema_name, target=scratch.schema_name)
            connection.set_tenant(scratch)
            User(
                username=FIRST_ADMIN_USERNAME, email=signup.admin_email, role=Role.TENANT_ADMIN
            ).save()
            for kind in rules.FILE_KINDS:
                file = files.get(kind)
                if file is None:
                    continue
                if not inline:
                    side.update(check_kind=kind, check_rows=0)
                report = table_import(
                    kind=kind,
                    data=bytes(file.data),
                    filename=file.filename,
                    good_rows_only=True,
                    progress=None if inline else (lambda rows: side.update(check_rows=rows)),
                    # Read during a request: the request's time limit, as for any import.
                    limits=SYNCHRONOUS_LIMITS if inline else DEFAULT_LIMITS,
                )
                reports[kind] = report.as_dict()
            transaction.set_rollback(True)  # a check, never an import: the copy goes too
    connection.set_schema_to_public()
    return reports
