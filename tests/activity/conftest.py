"""Every Pemda starts with the national holidays (settings.PROVISION_HOOKS: core.activity
.calendar.national_holidays_provision_hook, tested in test_calendar.py). The tests of the
daily log set their own calendar: each starts from an empty one (inside the test's
transaction, so the Pemda's calendar is back afterwards)."""

import pytest


@pytest.fixture(autouse=True)
def empty_calendar(request):
    names = set(request.fixturenames)
    tenants = [name for name in ("surabaya", "jambi") if name in names or "org" in names]
    if "org" in names and "surabaya" not in tenants:
        tenants.append("surabaya")
    if not tenants:
        return
    from core.activity.models import Holiday

    for name in dict.fromkeys(tenants):
        with request.getfixturevalue(name):
            Holiday.objects.all().delete()
