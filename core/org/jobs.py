"""Per-Pemda jobs of the org module, run for every Pemda by the dispatcher (tenants)."""

from django.utils import timezone

from core.config.models import PolicySetting
from core.config.selectors import setting_get
from core.org.tree import ORG_DERIVATION_VERSION, org_refresh_all, org_write_lock
from tenants.dispatch import pemda_job

# Bookkeeping of the job in the Pemda's settings (not policy: nothing to audit).
VERSION_KEY = "system.org_derivation_version"
REFRESHED_KEY = "system.org_refreshed_on"


@pemda_job("org.refresh_all")
def refresh_all(pemda) -> dict:
    """Hourly: every derived field (OPD, heads, atasan, roles) from scratch when the rules
    that derive them changed (a new release: ORG_DERIVATION_VERSION), and once a day as a
    repair (a database restored from a backup, a row changed by hand). Every edit keeps them
    current in between, so most runs only read two settings."""
    today = timezone.localdate().isoformat()
    if setting_get(VERSION_KEY) == ORG_DERIVATION_VERSION and setting_get(REFRESHED_KEY) == today:
        return {"refreshed": False}
    org_write_lock()
    org_refresh_all()
    for key, value in ((VERSION_KEY, ORG_DERIVATION_VERSION), (REFRESHED_KEY, today)):
        PolicySetting.objects.update_or_create(key=key, defaults={"value": value})
    return {"refreshed": True}
