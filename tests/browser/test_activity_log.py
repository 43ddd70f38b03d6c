"""The daily log on a phone (390 × 844) in a real browser: an analyst logs a day with
"repeat yesterday", a favourite and the catalogue searched as they type, in under a minute
(issue 10: the complaint to beat), and their atasan approves it from the phone. Screenshots
go to /tmp/shots/."""

import time
import zoneinfo
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.conftest import PHONE, SHOTS, browser_missing
from tests.browser.test_csp import console_errors
from tests.personas import ANALIS, KASUB

if reason := browser_missing():
    pytest.skip(reason, allow_module_level=True)

expect = pytest.importorskip("playwright.sync_api").expect

LOG, INBOX = "/aktivitas/", "/aktivitas/persetujuan/"
UNDER = 60.0  # seconds: logging a typical day must take less (issue 10, §1)
NORMS = {  # name: (output unit, minutes per unit), the analysts' catalogue for this test
    "Rapat koordinasi": ("Kegiatan", 60),
    "Menyusun notula rapat": ("Notula", 30),
    "Mengarsipkan surat masuk": ("Surat", 10),
}


def horizontal_overflow(page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


@pytest.fixture
def workday(sidoarjo, committed):
    """The analyst's day to log (today, or the last open working day on a weekend), the
    working day before it with two entries to repeat, a favourite, attendance on both days;
    all of it removed afterwards. Returns (day, the previous working day)."""
    from core.activity import services
    from core.activity.models import Activity, Attendance, Favourite
    from core.org.models import ActivityNorm, Employee

    with sidoarjo, timezone.override(zoneinfo.ZoneInfo(sidoarjo.time_zone)):
        today = services.today_local()
        calendar = services.calendar_current(today - timedelta(days=60), today + timedelta(days=31))
        day = today if calendar.working(today) else calendar.open_days(today)[0]
        before = next(
            day - timedelta(days=n) for n in range(1, 31) if calendar.working(day - timedelta(n))
        )
        analis = Employee.objects.get(nip=ANALIS)
        norms = {
            name: ActivityNorm.objects.create(
                position=analis.position, name=name, output_unit=unit, minutes_per_unit=minutes
            )
            for name, (unit, minutes) in NORMS.items()
        }
        for present in (day, before):
            Attendance.objects.update_or_create(
                employee=analis, day=present, defaults={"status": "present", "hours_present": 8}
            )
        for name, quantity in (("Rapat koordinasi", 1), ("Menyusun notula rapat", 2)):
            norm = norms[name]
            Activity.objects.create(
                employee=analis,
                day=before,
                norm=norm,
                name=norm.name,
                output_unit=norm.output_unit,
                minutes_per_unit=norm.minutes_per_unit,
                quantity=quantity,
                minutes=quantity * norm.minutes_per_unit,
                approver_id=analis.atasan_id,
            )
        Favourite.objects.create(employee=analis, norm=norms["Mengarsipkan surat masuk"])
    try:
        yield day, before
    finally:
        with sidoarjo:
            Activity.objects.filter(employee=analis).delete()
            Favourite.objects.filter(employee=analis).delete()
            Attendance.objects.filter(employee=analis).delete()
            ActivityNorm.objects.filter(pk__in=[n.pk for n in norms.values()]).delete()


def test_an_analyst_logs_a_day_on_a_phone_in_under_a_minute(open_as, sidoarjo, workday):
    from core.activity.models import Activity

    day, before = workday
    page = open_as(ANALIS, PHONE)  # logged in already: the clock starts at the log page
    refused = console_errors(page)  # what the Content-Security-Policy refuses shows there

    started = time.monotonic()
    page.goto(LOG)
    expect(page.locator("#day-summary h2")).to_be_visible()

    # 1. "Repeat yesterday": both of the day before, ticked already, in one tap.
    repeat = page.locator("#repeat button[type=submit]")
    expect(page.locator("#repeat input[data-select-one]:checked")).to_have_count(2)
    with page.expect_navigation():
        repeat.click()
    expect(page.locator("#entries .entry")).to_have_count(2)

    # 2. A favourite fills the form; the quantity typed; saved.
    page.locator("[data-favourite]", has_text="Mengarsipkan surat masuk").click()
    quantity = page.locator("#add-activity input[name=quantity]")
    expect(quantity).to_have_value("1")
    quantity.fill("6")
    expect(page.locator("[data-minutes-hint]")).to_contain_text("60")
    with page.expect_navigation():
        page.locator("#add-activity button[type=submit]").click()
    expect(page.locator("#entries .entry")).to_have_count(3)

    # 3. The catalogue searched as one types: the analysts' own report, half of one.
    control = page.locator("#id_norm-ts-control")
    control.click()
    control.press_sequentially("lapor")
    option = page.locator("#id_norm-ts-dropdown .option", has_text="Menyusun laporan")
    expect(option).to_have_count(1)
    option.click()
    page.locator("#add-activity input[name=quantity]").fill("0,5")
    page.locator("#add-activity input[name=output]").fill("Laporan mingguan")
    with page.expect_navigation():
        page.locator("#add-activity button[type=submit]").click()
    expect(page.locator("#entries .entry")).to_have_count(4)
    elapsed = time.monotonic() - started

    print(f"\nLogging a day on a 390 px phone took {elapsed:.1f} s (4 activities)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "activity-log-phone.png", full_page=True)
    assert elapsed < UNDER
    assert horizontal_overflow(page) == 0
    assert page.js_errors == [] and refused == []
    with sidoarjo:
        logged = sorted(
            Activity.objects.filter(employee__nip=ANALIS, day=day).values_list("name", "minutes")
        )
    assert logged == [
        ("Mengarsipkan surat masuk", 60),  # the favourite, 6 × 10
        ("Menyusun laporan", 150),  # searched, 0.5 × 300
        ("Menyusun notula rapat", 60),  # repeated
        ("Rapat koordinasi", 60),  # repeated
    ]
    expect(page.locator("#day-summary")).to_contain_text("330")


def test_the_atasan_approves_the_day_from_a_phone(open_as, sidoarjo, workday):
    from core.activity.models import Activity

    day, before = workday
    page = open_as(KASUB, PHONE)
    page.goto("/")
    expect(page.locator("#card-activities-waiting")).to_contain_text("Rudi Hartono")
    page.goto(INBOX)
    expect(page.locator("input[name=ids]")).to_have_count(2)
    page.locator("#select-all").check()
    expect(page.locator("[data-selected-count]")).to_contain_text("2")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "activity-inbox-phone.png", full_page=True)
    assert horizontal_overflow(page) == 0
    # Rejecting without a reason: the browser asks for it, nothing is sent.
    page.locator("button[name=action][value=reject]").click()
    assert page.evaluate("document.querySelector('textarea[name=reason]').validity.valueMissing")
    with page.expect_navigation():
        page.locator("button[name=action][value=approve]").click()
    expect(page.locator("#nothing-waits")).to_be_visible()
    assert page.js_errors == []
    with sidoarjo:
        states = set(
            Activity.objects.filter(employee__nip=ANALIS, day=before).values_list(
                "state", flat=True
            )
        )
    assert states == {"approved"}
