"""A sign-up taken through steps 2-5 by the wizard's services (the e-mail check skipped), with
the personas' organisation uploaded and checked: for tests and bench/launch.py."""

from __future__ import annotations

from django.utils import timezone

from core.importing.tabular import write_csv
from onboarding.models import SignUp
from onboarding.wizard import services
from tests import personas

ORGANISATION = (
    ("units", personas.UNITS),
    ("positions", personas.POSITIONS),
    ("employees", personas.EMPLOYEES),
)


def signup_made_ready(
    signup: SignUp, *, place: str, password: str, template: str = "surabaya"
) -> SignUp:
    """``signup`` (step 1 done) ready to launch; ``place`` names its people and addresses."""
    domain = f"{place.lower().replace(' ', '')}.go.id"
    signup = services.signup_contact_save(
        signup=signup,
        contact_name=f"Tim BKPSDMD {place}",
        contact_phone="0401 312 1000",
        contact_email=f"bkpsdmd@{domain}",
        admin_name=f"Admin {place}",
        admin_email=f"admin@{domain}",
        password=password,
    )
    SignUp.objects.filter(pk=signup.pk).update(email_verified_at=timezone.now(), step_done=2)
    signup.refresh_from_db()
    services.signup_plan_set(signup=signup, plan_code="standar")
    services.signup_template_set(signup=signup, template_name=template, language="id")
    for kind, rows in ORGANISATION:
        signup = services.signup_file_put(
            signup=signup, kind=kind, filename=f"{kind}.csv", data=write_csv(rows[0], rows[1:])
        )
    return services.signup_files_done(signup=signup)
