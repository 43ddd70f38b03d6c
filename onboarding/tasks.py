"""The sign-up wizard's background work: checking uploaded files, launching a Pemda."""

from celery import shared_task

from onboarding.wizard.checking import signup_files_check
from onboarding.wizard.launch import signup_provision
from onboarding.wizard.services import signups_abandoned_purge


@shared_task(acks_late=True, soft_time_limit=600, time_limit=900)
def signup_files_check_task(signup_id: int, version: int) -> str:
    """Check a sign-up's files (a second delivery finds them claimed and does nothing)."""
    return signup_files_check(signup_id=signup_id, version=version)


# Not retried here: a failed launch is shown to the team, who retry it (the provisioning
# lease lets only one run work; the sweep of tenants.tasks hands a lost one back).
@shared_task(acks_late=True, soft_time_limit=600, time_limit=900)
def signup_launch_task(signup_id: int, restart: bool = False) -> str:
    """Provision a launching sign-up's Pemda with its organisation."""
    signup = signup_provision(signup_id=signup_id, restart=restart)
    return signup.state if signup else ""


@shared_task
def signups_abandoned_purge_task() -> int:
    """Hourly (beat): abandoned sign-ups expire and keep no personal data."""
    return signups_abandoned_purge()
