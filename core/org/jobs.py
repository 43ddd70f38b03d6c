"""Per-Pemda jobs of the org module, run for every Pemda by the dispatcher (tenants)."""

from core.org.tree import org_refresh_all, org_write_lock
from tenants.dispatch import pemda_job


@pemda_job("org.refresh_all")
def refresh_all(pemda) -> dict:
    """Every derived field (OPD, heads, atasan, roles) from scratch: after an upgrade that
    changed how they are derived, and daily as a repair (the job runs in a transaction)."""
    org_write_lock()
    org_refresh_all()
    return {"refreshed": True}
