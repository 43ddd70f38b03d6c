"""The activity module's REST API (core/activity/api/): the daily activity log and its
approvals, attendance, KPI and the monthly indices, with the same scopes and write rules as
the pages. 404 for what one may not see, 403 with the reason for what one sees but may not
do, 400 with the rules' words and nothing stored; lists in a constant number of queries;
every endpoint in the OpenAPI schema."""

import json
import os
from datetime import date
from decimal import Decimal

import pytest
import yaml
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.accounts.models import User
from core.activity import services
from core.activity.indices import month_recompute
from core.activity.models import (
    Activity,
    Attendance,
    Holiday,
    Kpi,
    KpiPeriod,
    MonthlyIndex,
    Team,
)
from core.audit.models import AuditEvent
from core.org.models import ActivityNorm, Employee, Unit
from tests.conftest import JAMBI_PASSWORD, client_for, login
from tests.personas import (
    ANALIS,
    EVERYONE,
    KABAN,
    KABID,
    KADINKES,
    KASUB,
    PPPK,
    SEKDA,
    STAF_DINKES,
)

pytestmark = pytest.mark.django_db

TODAY = date(2026, 5, 20)  # a Wednesday
YESTERDAY = date(2026, 5, 19)
ACTIVITIES = "/api/v1/activities/"
ATTENDANCE = "/api/v1/attendance/"
KPIS = "/api/v1/kpis/"
INDICES = "/api/v1/monthly-indices/"
PNG = (  # a real 1×1 PNG: signature, IHDR, IDAT, IEND
    b"\x89PNG\r\n\x1a\n"
    b"\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
LOGGERS = (ANALIS, PPPK, KASUB, KABID, STAF_DINKES)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(services, "today_local", lambda: TODAY)


@pytest.fixture
def jambi_user(jambi, jambi_client):
    """Someone of another Pemda, signed in at their own Pemda's address."""
    assert login(jambi_client, "pegawai", JAMBI_PASSWORD).status_code == 302
    return jambi_client


def send(client, method, url, body, **extra):
    """A JSON request, answered in English (to read the messages)."""
    return getattr(client, method)(
        url, json.dumps(body), content_type="application/json", HTTP_ACCEPT_LANGUAGE="en", **extra
    )


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def nips_of(response) -> set[str]:
    return {row["employee"]["nip"] for row in results(response)}


def messages_of(response) -> str:
    return json.dumps(response.json(), ensure_ascii=False)


def norm(minutes: int = 30) -> ActivityNorm:
    position = Employee.objects.get(nip=ANALIS).position
    return ActivityNorm.objects.get_or_create(
        position=position,
        name=f"Menyusun laporan {minutes}",
        defaults={"output_unit": "Dokumen", "minutes_per_unit": minutes},
    )[0]


def present(nip: str, day: date = YESTERDAY, hours="8") -> None:
    Attendance.objects.update_or_create(
        employee=Employee.objects.get(nip=nip),
        day=day,
        defaults={"status": "present", "hours_present": Decimal(hours)},
    )


def logged(nip: str = ANALIS, day: date = YESTERDAY, quantity="2", **kwargs) -> Activity:
    """An entry logged through the service, its day marked present."""
    present(nip, day)
    return services.activity_log(
        by=User.objects.get(nip=nip), day=day, norm=norm(), quantity=quantity, **kwargs
    )


def employee_id(nip: str) -> int:
    return Employee.objects.get(nip=nip).pk


def activity_count(org) -> int:
    with org:
        return Activity.objects.count()


def evidence_files() -> int:
    root = os.path.join(settings.MEDIA_ROOT, "activity")
    return sum(len(files) for _dir, _dirs, files in os.walk(root))


@pytest.fixture
def entries(org) -> dict[str, Activity]:
    """An entry of yesterday for each of ANALIS, PPPK, KASUB, KABID and STAF_DINKES."""
    with org:
        return {nip: logged(nip) for nip in LOGGERS}


@pytest.fixture
def ready(org) -> dict:
    """The analyst's yesterday marked present, and the norm they log."""
    with org:
        present(ANALIS)
        present(ANALIS, TODAY)
        return {"norm": norm().pk, "me": employee_id(ANALIS), "peer": employee_id(PPPK)}


# --- Reading the log: each role what its pages show ------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("admin", set(LOGGERS)),
        ("mayor", set(LOGGERS)),
        ("sekda", set(LOGGERS)),
        ("head", {ANALIS, PPPK, KASUB, KABID}),  # the OPD BKPSDMD
        ("kabid", {KABID, KASUB}),  # themself and whom they appraise
        ("kasub", {KASUB, ANALIS, PPPK}),
        ("employee", {ANALIS}),
        ("head_dinkes", {STAF_DINKES}),
    ],
)
def test_each_role_lists_the_entries_it_may_see(entries, people, persona, expected):
    assert nips_of(people[persona].get(ACTIVITIES)) == expected


def test_an_entry_shows_the_norm_as_logged_and_who_approves(org, entries, people):
    entry = entries[ANALIS]
    shown = people["employee"].get(f"{ACTIVITIES}{entry.pk}/").json()
    assert shown["employee"] == {"id": entry.employee_id, "nip": ANALIS, "name": "Rudi Hartono"}
    assert shown["approver"]["nip"] == KASUB
    assert (shown["day"], shown["name"], shown["output_unit"]) == (
        "2026-05-19",
        "Menyusun laporan 30",
        "Dokumen",
    )
    assert (shown["quantity"], shown["minutes"], shown["state"]) == (2, 60, "pending")
    assert shown["evidence"] is None and shown["version"] == 0


def test_an_employee_cannot_read_a_peers_entry(entries, people):
    peer = entries[PPPK].pk
    assert people["employee"].get(f"{ACTIVITIES}{peer}/").status_code == 404
    assert people["kasub"].get(f"{ACTIVITIES}{peer}/").status_code == 200  # the atasan
    assert people["kabid"].get(f"{ACTIVITIES}{peer}/").status_code == 404  # not theirs
    assert people["head_dinkes"].get(f"{ACTIVITIES}{peer}/").status_code == 404  # another OPD
    assert people["head"].get(f"{ACTIVITIES}{peer}/").status_code == 200  # their OPD


def test_the_log_filters_by_person_day_and_state(org, entries, people):
    kasub = people["kasub"]
    with org:
        logged(ANALIS, TODAY, quantity="1")
        services.activities_decide(
            by=User.objects.get(nip=KASUB), ids=[entries[PPPK].pk], approve=True
        )
        analis = employee_id(ANALIS)
    assert nips_of(kasub.get(ACTIVITIES, {"nip": ANALIS})) == {ANALIS}
    assert len(results(kasub.get(ACTIVITIES, {"employee": analis}))) == 2
    assert len(results(kasub.get(ACTIVITIES, {"day": "2026-05-20"}))) == 1
    assert len(results(kasub.get(ACTIVITIES, {"day_from": "2026-05-20"}))) == 1
    assert len(results(kasub.get(ACTIVITIES, {"day_to": "2026-05-19"}))) == 3
    assert nips_of(kasub.get(ACTIVITIES, {"state": "approved"})) == {PPPK}
    assert nips_of(kasub.get(ACTIVITIES, {"state": ""})) == {KASUB, ANALIS, PPPK}
    assert nips_of(kasub.get(ACTIVITIES, {"opd": "DINKES"})) == set()


def test_to_decide_lists_what_waits_for_the_caller(org, entries, people):
    with org:
        services.activities_decide(
            by=User.objects.get(nip=KASUB), ids=[entries[PPPK].pk], approve=True
        )
    # The Kasubbid's own entry and the one decided are not waiting for them.
    assert [
        row["id"] for row in results(people["kasub"].get(ACTIVITIES, {"to_decide": "true"}))
    ] == [entries[ANALIS].pk]
    rest = results(people["kasub"].get(ACTIVITIES, {"to_decide": "false"}))
    assert {row["id"] for row in rest} == {entries[PPPK].pk, entries[KASUB].pk}
    # The head of OPD sees the whole OPD but decides only for the Kabid.
    waiting = results(people["head"].get(ACTIVITIES, {"to_decide": "TRUE"}))
    assert [row["employee"]["nip"] for row in waiting] == [KABID]
    assert results(people["employee"].get(ACTIVITIES, {"to_decide": "true"})) == []
    assert results(people["mayor"].get(ACTIVITIES, {"to_decide": "true"})) == []


@pytest.mark.parametrize(
    ("url", "params", "field", "message"),
    [
        (ACTIVITIES, {"day": "19-05-2026"}, "day", "YYYY-MM-DD"),
        (ACTIVITIES, {"day_from": "2026-02-30"}, "day_from", "YYYY-MM-DD"),
        (ACTIVITIES, {"day_to": "20260519"}, "day_to", "YYYY-MM-DD"),
        (ACTIVITIES, {"state": "done"}, "state", "is not one of"),
        (ACTIVITIES, {"to_decide": "yes"}, "to_decide", "Use true or false"),
        (ACTIVITIES, {"employee": "x"}, "employee", "whole number from 1"),
        (ACTIVITIES, {"nip": "123"}, "nip", "18 digits"),
        (ATTENDANCE, {"status": "hadir"}, "status", "is not one of"),
        (ATTENDANCE, {"day": "kemarin"}, "day", "YYYY-MM-DD"),
        (KPIS, {"year": "26"}, "year", "from 1900 to 2999"),
        (KPIS, {"level": "opd"}, "level", "is not one of"),
        (KPIS, {"team": "0"}, "team", "whole number from 1"),
        (INDICES, {"month": "2026-13"}, "month", "YYYY-MM"),
        (INDICES, {"month_from": "2026-5"}, "month_from", "YYYY-MM"),
        (INDICES, {"pay_withheld": "1"}, "pay_withheld", "Use true or false"),
    ],
)
def test_a_filter_of_the_wrong_form_is_a_400_that_says_why(
    org, people, url, params, field, message
):
    response = people["kasub"].get(url, params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400, response.content
    assert message in response.json()[field][0]


def test_the_api_needs_credentials(org):
    for url in (ACTIVITIES, ATTENDANCE, KPIS, INDICES):
        response = client_for(org).get(url)
        assert response.status_code == 401, url
        assert response["WWW-Authenticate"] == "Token"


# --- Logging: each for themself, through the day's rules -------------------------------------


def test_an_employee_logs_an_activity_in_json_for_their_atasan(org, ready, people):
    body = {"day": "2026-05-19", "norm": ready["norm"], "quantity": 2.5, "output": "Laporan"}

    response = send(people["employee"], "post", ACTIVITIES, body)

    assert response.status_code == 201, response.content
    made = response.json()
    assert (made["employee"]["nip"], made["approver"]["nip"]) == (ANALIS, KASUB)
    assert (made["quantity"], made["minutes"], made["output"]) == (2.5, 75, "Laporan")
    assert made["state"] == "pending"
    with org:
        stored = Activity.objects.get()
        assert (stored.employee.nip, stored.minutes, stored.quantity) == (
            ANALIS,
            75,
            Decimal("2.50"),
        )


def test_an_activity_may_serve_an_rhk_of_ones_own_skp(org, ready, people):
    from tests.performance.test_documents import analis_skp, skp_of

    with org:
        mine = analis_skp().rhk.first()
        peers = skp_of(PPPK).rhk.create(kind="utama", text="RHK rekan")
    body = {"day": "2026-05-19", "norm": ready["norm"], "quantity": 1, "rhk": mine.pk}
    made = send(people["employee"], "post", ACTIVITIES, body)
    assert made.status_code == 201, made.content
    assert made.json()["rhk"] == mine.pk
    refused = send(people["employee"], "post", ACTIVITIES, {**body, "rhk": peers.pk})
    assert refused.status_code == 400
    assert "Choose an RHK of your SKP of that year." in messages_of(refused)
    assert activity_count(org) == 1


def test_an_employee_logs_with_an_evidence_photo_the_atasan_downloads(org, ready, people):
    photo = SimpleUploadedFile("foto kegiatan.png", PNG, content_type="image/png")
    form = {"day": "2026-05-19", "norm": str(ready["norm"]), "quantity": "1,5", "rhk": ""}

    made = people["employee"].post(ACTIVITIES, {**form, "evidence": photo})

    assert made.status_code == 201, made.content
    shown = made.json()
    assert (shown["quantity"], shown["evidence_name"]) == (1.5, "foto kegiatan.png")
    assert shown["evidence"] == f"{ACTIVITIES}{shown['id']}/evidence/"
    for persona in ("employee", "kasub", "head", "mayor"):
        download = people[persona].get(shown["evidence"])
        assert download.status_code == 200, persona
        assert download["Content-Type"] == "image/png"
        assert "attachment" in download["Content-Disposition"]
        assert b"".join(download.streaming_content) == PNG
    for persona in ("kabid", "head_dinkes"):
        assert people[persona].get(shown["evidence"]).status_code == 404, persona


def test_the_owner_attaches_a_photo_later_and_replaces_it(
    org, entries, people, django_capture_on_commit_callbacks
):
    url = f"{ACTIVITIES}{entries[ANALIS].pk}/evidence/"
    first = people["employee"].post(url, {"evidence": SimpleUploadedFile("a.png", PNG)})
    files = evidence_files()
    with django_capture_on_commit_callbacks(execute=True):  # the old file goes on commit
        second = people["employee"].post(url, {"evidence": SimpleUploadedFile("b.pdf", PDF)})

    assert (first.status_code, second.status_code) == (200, 200), second.content
    assert (first.json()["evidence_name"], second.json()["evidence_name"]) == ("a.png", "b.pdf")
    assert (second.json()["quantity"], second.json()["version"]) == (2, 2)  # the rest stays
    assert evidence_files() == files
    download = people["kasub"].get(url)
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF


def test_only_the_owner_attaches_a_photo_while_the_entry_waits(org, entries, people):
    url = f"{ACTIVITIES}{entries[ANALIS].pk}/evidence/"
    photo = {"evidence": SimpleUploadedFile("a.png", PNG)}
    assert people["kasub"].post(url, photo).status_code == 403
    assert people["kabid"].post(url, photo).status_code == 404
    as_json = send(people["employee"], "post", url, {"evidence": "a.png"})
    assert as_json.status_code == 415
    fake = people["employee"].post(
        url, {"evidence": SimpleUploadedFile("a.jpg", b"GIF89a")}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert fake.status_code == 400
    assert "must be a real JPG, PNG or PDF" in messages_of(fake)
    send(people["kasub"], "post", DECIDE, {"ids": [entries[ANALIS].pk], "approve": True})
    decided = people["employee"].post(url, photo, HTTP_ACCEPT_LANGUAGE="en")
    assert decided.status_code == 400
    assert "no longer change" in messages_of(decided)
    with org:
        assert not Activity.objects.get(pk=entries[ANALIS].pk).evidence


def test_an_entry_without_evidence_has_no_file_to_download(entries, people):
    response = people["employee"].get(f"{ACTIVITIES}{entries[ANALIS].pk}/evidence/")
    assert response.status_code == 404


def test_nobody_logs_for_another(org, ready, people):
    body = {"day": "2026-05-19", "norm": ready["norm"], "quantity": 1}

    for_a_peer = send(people["employee"], "post", ACTIVITIES, {**body, "employee": ready["peer"]})
    for_themself = send(people["employee"], "post", ACTIVITIES, {**body, "employee": ready["me"]})

    assert for_a_peer.status_code == 403
    assert for_a_peer.json() == {"detail": "Everyone logs activities only for themself."}
    assert for_themself.status_code == 201
    with org:
        assert set(Activity.objects.values_list("employee__nip", flat=True)) == {ANALIS}


@pytest.mark.parametrize("persona", ["admin", "mayor"])
def test_an_account_without_an_employee_logs_nothing(org, ready, people, persona):
    body = {"day": "2026-05-19", "norm": ready["norm"], "quantity": 1}
    response = send(people[persona], "post", ACTIVITIES, body)
    assert response.status_code == 403
    assert response.json() == {"detail": "Only employees log activities."}
    assert activity_count(org) == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"day": "2026-05-21"}, "has not come yet"),  # the future
        ({"day": "2026-05-14"}, "not a working day"),  # a holiday (below)
        ({"day": "2026-05-17"}, "not a working day"),  # a Sunday
        ({"day": "2026-04-01"}, "has passed"),
        ({"day": "19-05-2026"}, "Give the date as YYYY-MM-DD."),
        ({"day": 20260519}, "Give the date as YYYY-MM-DD."),
        ({"quantity": -1}, "The quantity must be more than 0."),
        ({"quantity": 0}, "The quantity must be more than 0."),
        ({"quantity": 0.001}, "The quantity must be more than 0."),  # 0.00 as stored
        ({"quantity": 1e20}, "The quantity is too large."),
        ({"quantity": 1e30}, "The quantity is too large."),
        ({"quantity": -1e30}, "The quantity must be more than 0."),
        ({"quantity": 10**41}, "The quantity is too large."),
        ({"quantity": "2"}, "Must be a number, without quotes"),
        ({"quantity": True}, "Must be a number, without quotes"),
        ({"quantity": 20}, "minutes are left"),  # 600 minutes over the 8 hours present
        ({"norm": 999999}, "Choose an activity from the catalogue."),
        ({"norm": "1"}, "Must be a whole number (an id)"),
        ({"rhk": 999999}, "Choose an RHK of your SKP of that year."),
        ({"output": "x" * 501}, "Ensure this field has no more than 500 characters."),
    ],
)
def test_bad_input_is_a_400_that_says_why_and_stores_nothing(org, ready, people, change, message):
    with org:
        Holiday.objects.update_or_create(
            day=date(2026, 5, 14), defaults={"name": "Kenaikan Yesus Kristus"}
        )[0]
    body = {"day": "2026-05-19", "norm": ready["norm"], "quantity": 1, **change}

    response = send(people["employee"], "post", ACTIVITIES, body)

    assert response.status_code == 400, response.content
    assert message in messages_of(response)
    assert activity_count(org) == 0


def test_an_absent_day_is_refused(org, ready, people):
    with org:
        Attendance.objects.filter(employee__nip=ANALIS, day=YESTERDAY).update(status="absent")
    body = {"day": "2026-05-19", "norm": ready["norm"], "quantity": 1}
    response = send(people["employee"], "post", ACTIVITIES, body)
    assert response.status_code == 400
    assert "absent" in messages_of(response)
    assert activity_count(org) == 0


@pytest.mark.parametrize("raw", ['{"quantity": NaN}', '{"quantity": Infinity}', "[1]", "{"])
def test_nan_infinity_and_what_is_not_a_json_object_are_refused(org, ready, people, raw):
    response = people["employee"].post(
        ACTIVITIES, raw, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert response.json()["detail"] in (
        "The body is not valid JSON.",
        "The body must be a JSON object.",
    )
    assert activity_count(org) == 0


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"quantity": "NaN"}, "The quantity must be a number."),
        ({"quantity": "-2"}, "The quantity must be more than 0."),
        ({"norm": "abc"}, "Must be a whole number (an id)"),
        ({"day": "2026-05-21"}, "has not come yet"),
        (
            {"evidence": ("foto.jpg", b"MZ\x90\x00 this is a program")},
            "must be a real JPG, PNG or PDF",
        ),
        ({"evidence": ("foto.jpg", PNG)}, "must be a real JPG, PNG or PDF"),  # a PNG named .jpg
        ({"evidence": ("foto.png", PNG + b"\x00" * (5 * 1024 * 1024))}, "larger than 5 MB"),
    ],
)
def test_a_bad_multipart_form_is_a_400_and_keeps_no_file(org, ready, people, fields, message):
    files = evidence_files()
    form = {"day": "2026-05-19", "norm": str(ready["norm"]), "quantity": "1"}
    if "evidence" in fields:
        name, content = fields["evidence"]
        fields = {"evidence": SimpleUploadedFile(name, content)}

    response = people["employee"].post(ACTIVITIES, {**form, **fields}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400, response.content
    assert message in messages_of(response)
    assert activity_count(org) == 0
    assert evidence_files() == files


def test_a_50_mb_photo_is_refused_before_it_is_read(org, ready, people):
    files = evidence_files()
    huge = SimpleUploadedFile("foto.jpg", b"\xff\xd8\xff" + b"\x00" * (50 * 1024 * 1024))
    form = {"day": "2026-05-19", "norm": str(ready["norm"]), "quantity": "1", "evidence": huge}

    response = people["employee"].post(ACTIVITIES, form, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 413
    assert "larger than 25 MB" in response.json()["detail"]
    assert activity_count(org) == 0
    assert evidence_files() == files


def test_a_urlencoded_form_is_unsupported(org, ready, people):
    response = people["employee"].post(
        ACTIVITIES,
        f"day=2026-05-19&norm={ready['norm']}&quantity=1",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 415
    assert activity_count(org) == 0


# --- Changing and removing: the owner, while it waits ----------------------------------------


def test_the_owner_changes_a_waiting_entry_and_the_rest_stays(org, entries, people):
    url = f"{ACTIVITIES}{entries[ANALIS].pk}/"
    changed = send(people["employee"], "patch", url, {"quantity": 3})
    assert changed.status_code == 200, changed.content
    shown = changed.json()
    assert (shown["quantity"], shown["minutes"], shown["version"]) == (3, 90, 1)
    output = send(people["employee"], "patch", url, {"output": "Draf laporan"}).json()
    assert (output["output"], output["quantity"]) == ("Draf laporan", 3)


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"day": "2026-05-18"}, "day", "This cannot change; remove the entry and log it again."),
        ({"norm": 1}, "norm", "This cannot change"),
        ({"quantity": "3"}, "quantity", "Must be a number"),
        ({"quantity": 100}, "non_field_errors", "minutes are left"),
    ],
)
def test_a_bad_change_is_a_400_and_changes_nothing(org, entries, people, body, field, message):
    url = f"{ACTIVITIES}{entries[ANALIS].pk}/"
    response = send(people["employee"], "patch", url, body)
    assert response.status_code == 400, response.content
    assert message in " ".join(response.json()[field])
    with org:
        assert Activity.objects.get(pk=entries[ANALIS].pk).quantity == Decimal("2.00")


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("kasub", 403),
        ("head", 403),
        ("mayor", 403),
        ("admin", 403),
        ("kabid", 404),
        ("head_dinkes", 404),
    ],
)
def test_nobody_else_changes_or_removes_an_entry(org, entries, people, persona, status):
    url = f"{ACTIVITIES}{entries[ANALIS].pk}/"
    changed = send(people[persona], "patch", url, {"quantity": 1})
    removed = people[persona].delete(url, HTTP_ACCEPT_LANGUAGE="en")
    assert (changed.status_code, removed.status_code) == (status, status)
    if status == 403:
        assert "Only the owner changes or removes an activity" in changed.json()["detail"]
    with org:
        assert Activity.objects.get(pk=entries[ANALIS].pk).quantity == Decimal("2.00")


def test_nobody_changes_or_removes_a_decided_entry(org, entries, people):
    url = f"{ACTIVITIES}{entries[ANALIS].pk}/"
    decided = send(
        people["kasub"],
        "post",
        f"{ACTIVITIES}decide/",
        {"ids": [entries[ANALIS].pk], "approve": True},
    )
    assert decided.json() == {"decided": 1}
    changed = send(people["employee"], "patch", url, {"quantity": 1})
    removed = people["employee"].delete(url, HTTP_ACCEPT_LANGUAGE="en")
    assert (changed.status_code, removed.status_code) == (400, 400)
    assert "no longer change" in messages_of(changed)
    with org:
        assert Activity.objects.get(pk=entries[ANALIS].pk).state == "approved"


def test_the_owner_removes_a_waiting_entry_with_its_file(
    org, ready, people, django_capture_on_commit_callbacks
):
    photo = SimpleUploadedFile("foto.png", PNG)
    form = {"day": "2026-05-19", "norm": str(ready["norm"]), "quantity": "1", "evidence": photo}
    made = people["employee"].post(ACTIVITIES, form).json()
    files = evidence_files()

    with django_capture_on_commit_callbacks(execute=True):  # the file goes once it commits
        removed = people["employee"].delete(f"{ACTIVITIES}{made['id']}/")

    assert removed.status_code == 204
    assert people["employee"].get(f"{ACTIVITIES}{made['id']}/").status_code == 404
    assert activity_count(org) == 0
    assert evidence_files() == files - 1


def test_an_entry_of_a_closed_day_is_no_longer_removed(org, people, monkeypatch):
    with org:
        entry = logged()
    monkeypatch.setattr(services, "today_local", lambda: date(2026, 6, 30))
    response = people["employee"].delete(f"{ACTIVITIES}{entry.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "has passed" in messages_of(response)
    assert activity_count(org) == 1


# --- Deciding: the owner's atasan, one or many -----------------------------------------------

DECIDE = f"{ACTIVITIES}decide/"


def test_the_atasan_approves_and_rejects_their_appraisees_entries(org, entries, people):
    with org:
        more = logged(ANALIS, quantity="1")
    approved = send(
        people["kasub"],
        "post",
        DECIDE,
        {"ids": [entries[ANALIS].pk, entries[PPPK].pk], "approve": True},
    )
    rejected = send(
        people["kasub"],
        "post",
        DECIDE,
        {"ids": [more.pk], "approve": False, "reason": "Bukti belum ada"},
    )
    again = send(people["kasub"], "post", DECIDE, {"ids": [more.pk], "approve": True})

    assert (approved.status_code, approved.json()) == (200, {"decided": 2})
    assert rejected.json() == {"decided": 1}
    assert again.json() == {"decided": 0}  # decided already: skipped
    shown = people["employee"].get(f"{ACTIVITIES}{more.pk}/").json()
    assert (shown["state"], shown["reject_reason"]) == ("rejected", "Bukti belum ada")
    assert shown["decided_at"] is not None
    with org:
        assert Activity.objects.get(pk=entries[ANALIS].pk).state == "approved"


@pytest.mark.parametrize(
    ("persona", "owner"),
    [
        ("employee", ANALIS),  # their own
        ("employee", PPPK),  # a peer's
        ("kabid", ANALIS),  # the atasan's atasan
        ("head", ANALIS),  # the head of OPD, who sees it
        ("head_dinkes", ANALIS),  # another OPD
        ("mayor", ANALIS),  # leaders read
        ("sekda", ANALIS),
        ("admin", ANALIS),
    ],
)
def test_nobody_but_the_owners_atasan_decides(org, entries, people, persona, owner):
    body = {"ids": [entries[owner].pk], "approve": True}
    response = send(people[persona], "post", DECIDE, body)
    assert response.status_code == 403, response.content
    assert response.json()["detail"]
    with org:
        assert Activity.objects.get(pk=entries[owner].pk).state == "pending"


def test_a_bulk_decision_with_one_entry_not_ones_own_to_decide_decides_none(org, entries, people):
    ids = [entries[ANALIS].pk, entries[PPPK].pk, entries[KASUB].pk]  # their own last
    response = send(people["kasub"], "post", DECIDE, {"ids": ids, "approve": True})
    assert response.status_code == 403
    with org:
        assert not Activity.objects.filter(state="approved").exists()


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"ids": [], "approve": True}, "ids", "This list may not be empty."),
        ({"ids": ["1"], "approve": True}, "ids", "Must be a whole number (an id)"),
        ({"ids": list(range(1, 502)), "approve": True}, "ids", "no more than 500"),
        ({"ids": [1], "approve": "yes"}, "approve", "Use true or false"),
        ({"ids": [1]}, "approve", "This field is required."),
        ({"ids": [1], "approve": False}, "non_field_errors", "Say why the activity is rejected."),
        ({"ids": [1], "approve": False, "reason": "x" * 501}, "reason", "no more than 500"),
    ],
)
def test_a_bad_decision_is_a_400_and_decides_nothing(org, entries, people, body, field, message):
    if body["ids"] == [1]:
        body = {**body, "ids": [entries[ANALIS].pk]}
    response = send(people["kasub"], "post", DECIDE, body)
    assert response.status_code == 400, response.content
    assert message in json.dumps(response.json()[field])
    with org:
        assert not Activity.objects.exclude(state="pending").exists()


def test_the_atasan_approves_200_entries_in_one_request(org, people):
    with org:
        present(ANALIS, YESTERDAY, hours="24")
        cheap = ActivityNorm.objects.create(
            position=Employee.objects.get(nip=ANALIS).position,
            name="Memeriksa surat",
            output_unit="Surat",
            minutes_per_unit=1,
        )
        analis = User.objects.get(nip=ANALIS)
        ids = [
            services.activity_log(by=analis, day=YESTERDAY, norm=cheap, quantity="1").pk
            for _n in range(200)
        ]
    with CaptureQueriesContext(connection) as captured:
        response = send(people["kasub"], "post", DECIDE, {"ids": ids, "approve": True})
    assert response.json() == {"decided": 200}
    # One statement decides them all; the month's lock (core.activity.indices.month_lock)
    # is one more.
    assert len(captured) <= 13
    with org:
        assert Activity.objects.filter(state="approved").count() == 200


# --- Attendance ------------------------------------------------------------------------------


def day_url(nip_id: int, day: str) -> str:
    return f"{ATTENDANCE}{nip_id}/{day}/"


@pytest.fixture
def attendance(org) -> dict[str, int]:
    """Yesterday present for everyone; {nip: employee id}."""
    with org:
        for nip in EVERYONE:
            present(nip)
        return dict(Employee.objects.values_list("nip", "pk"))


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("admin", EVERYONE),
        ("mayor", EVERYONE),
        ("sekda", EVERYONE),
        ("head", {KABAN, KABID, KASUB, ANALIS, PPPK}),
        ("kabid", {KABID, KASUB}),
        ("kasub", {KASUB, ANALIS, PPPK}),
        ("employee", {ANALIS}),
        ("head_dinkes", {KADINKES, STAF_DINKES}),
    ],
)
def test_each_role_lists_the_attendance_of_the_people_it_sees(
    attendance, people, persona, expected
):
    assert nips_of(people[persona].get(ATTENDANCE)) == expected


def test_attendance_filters_by_person_day_and_status(org, attendance, people):
    with org:
        Attendance.objects.filter(employee__nip=PPPK).update(status="sick", hours_present=None)
    kasub = people["kasub"]
    assert nips_of(kasub.get(ATTENDANCE, {"status": "sick"})) == {PPPK}
    assert nips_of(kasub.get(ATTENDANCE, {"day": "2026-05-18"})) == set()
    assert nips_of(kasub.get(ATTENDANCE, {"day_from": "2026-05-19", "unit": "BKPSDMD.1.1"})) == {
        KASUB,
        ANALIS,
        PPPK,
    }
    row = results(kasub.get(ATTENDANCE, {"nip": ANALIS}))[0]
    assert (row["day"], row["status"], row["hours_present"], row["source"]) == (
        "2026-05-19",
        "present",
        8,
        "import",
    )


def test_the_admin_records_a_day_and_changes_it(
    org, attendance, people, django_capture_on_commit_callbacks
):
    url = day_url(attendance[ANALIS], "2026-05-18")

    with django_capture_on_commit_callbacks() as queued:
        made = send(people["admin"], "put", url, {"status": "present", "hours_present": 7.5})
    changed = send(people["admin"], "put", url, {"status": "sick"})

    assert made.status_code == 201, made.content
    assert (made.json()["hours_present"], made.json()["source"]) == (7.5, "admin")
    assert len(queued) == 1  # the month's recompute, once the change commits
    assert changed.status_code == 200
    assert (changed.json()["status"], changed.json()["hours_present"]) == ("sick", None)
    assert people["employee"].get(url).json()["status"] == "sick"
    assert people["kasub"].get(url).status_code == 200
    assert people["kabid"].get(url).status_code == 404  # not someone they see
    with org:
        assert Attendance.objects.filter(employee__nip=ANALIS).count() == 2
        assert AuditEvent.objects.filter(action="activity.attendance.set").count() == 2


def test_the_admin_removes_a_day(org, attendance, people):
    url = day_url(attendance[ANALIS], "2026-05-19")
    assert people["kasub"].delete(url).status_code == 403
    assert people["admin"].delete(url).status_code == 204
    assert people["admin"].delete(url).status_code == 404
    with org:
        assert not Attendance.objects.filter(employee__nip=ANALIS).exists()
        assert Attendance.objects.count() == len(EVERYONE) - 1


@pytest.mark.parametrize(
    ("persona", "nip", "status"),
    [
        ("employee", ANALIS, 403),  # their own day
        ("kasub", ANALIS, 403),
        ("head", ANALIS, 403),
        ("mayor", ANALIS, 403),
        ("sekda", ANALIS, 403),
        ("employee", PPPK, 404),  # a peer they do not see
        ("head_dinkes", ANALIS, 404),
    ],
)
def test_only_the_admin_records_attendance(org, attendance, people, persona, nip, status):
    url = day_url(attendance[nip], "2026-05-19")
    response = send(people[persona], "put", url, {"status": "absent"})
    removed = people[persona].delete(url)
    assert (response.status_code, removed.status_code) == (status, status), response.content
    if status == 403:
        assert response.json() == {"detail": "Only the BKPSDMD admin records attendance."}
    with org:
        assert Attendance.objects.get(employee__nip=nip, day=YESTERDAY).status == "present"


@pytest.mark.parametrize(
    ("day", "body", "field", "message"),
    [
        ("2026-05-21", {"status": "present"}, "non_field_errors", "today or earlier"),
        ("2026-13-01", {"status": "present"}, "day", "YYYY-MM-DD"),
        ("kemarin", {"status": "present"}, "day", "YYYY-MM-DD"),
        ("2026-05-18", {"status": "hadir"}, "status", "is not one of"),
        ("2026-05-18", {}, "status", "This field is required."),
        ("2026-05-18", {"status": "present", "hours_present": 25}, "non_field_errors", "0 to 24"),
        ("2026-05-18", {"status": "present", "hours_present": -1}, "non_field_errors", "0 to 24"),
        (
            "2026-05-18",
            {"status": "present", "hours_present": "8"},
            "hours_present",
            "Must be a number",
        ),
        (
            "2026-05-18",
            {"status": "sick", "hours_present": 8},
            "non_field_errors",
            "Hours present are recorded only for a day present or on duty travel",
        ),
    ],
)
def test_bad_attendance_is_a_400_and_stores_nothing(
    org, attendance, people, day, body, field, message
):
    response = send(people["admin"], "put", day_url(attendance[ANALIS], day), body)
    assert response.status_code == 400, response.content
    assert message in " ".join(response.json()[field])
    with org:
        assert Attendance.objects.filter(employee__nip=ANALIS).count() == 1


def test_attendance_of_someone_no_longer_active_is_refused(org, attendance, people):
    with org:
        Employee.objects.filter(nip=PPPK).update(is_active=False)
    url = day_url(attendance[PPPK], "2026-05-18")
    response = send(people["admin"], "put", url, {"status": "present"})
    assert response.status_code == 400
    assert "not active employees" in messages_of(response)


def test_a_day_without_attendance_is_not_found(attendance, people):
    assert people["admin"].get(day_url(attendance[ANALIS], "2026-05-18")).status_code == 404
    assert (
        send(
            people["admin"], "put", day_url(999999, "2026-05-18"), {"status": "present"}
        ).status_code
        == 404
    )


# --- KPI -------------------------------------------------------------------------------------


@pytest.fixture
def kpis(org) -> dict[str, Kpi]:
    """A Pemda KPI, one of the OPD BKPSDMD with two months, and a cross-OPD team's."""
    with org:
        pemda = Kpi.objects.create(
            year=2026, name="Indeks Reformasi Birokrasi", measure="Indeks", annual_target=80
        )
        opd = Kpi.objects.create(
            year=2026,
            unit=Unit.objects.get(code="BKPSDMD"),
            parent=pemda,
            name="Layanan kepegawaian tepat waktu",
            measure="%",
            annual_target=90,
            weight=2,
        )
        KpiPeriod.objects.create(kpi=opd, period="2026-04", target=90, realisation=81)
        KpiPeriod.objects.create(kpi=opd, period="2026-05", target=90)
        team = Team.objects.create(name="Tim Stunting", year=2026)
        team.members.add(*Employee.objects.filter(nip__in=[ANALIS, STAF_DINKES]))
        teams = Kpi.objects.create(
            year=2026,
            team=team,
            name="Keluhan layanan",
            measure="Kasus",
            direction="lower",
            annual_target=10,
        )
        KpiPeriod.objects.create(kpi=teams, period="2026-04", target=10, realisation=12)
        return {"pemda": pemda, "opd": opd, "team": teams}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("admin", {"pemda", "opd", "team"}),
        ("mayor", {"pemda", "opd", "team"}),
        ("head", {"pemda", "opd", "team"}),  # the team has a member of their OPD
        ("kasub", {"pemda", "opd"}),  # their OPD's; not a member of the team
        ("employee", {"pemda", "opd", "team"}),  # a member of the team
        ("head_dinkes", {"pemda", "team"}),
    ],
)
def test_each_role_reads_the_kpis_the_kpi_pages_show_it(kpis, people, persona, expected):
    rows = results(people[persona].get(KPIS))
    assert {row["id"] for row in rows} == {kpis[name].pk for name in expected}
    hidden = {"pemda", "opd", "team"} - expected
    for name in hidden:
        assert people[persona].get(f"{KPIS}{kpis[name].pk}/").status_code == 404


def test_a_kpi_shows_its_months_and_its_year(kpis, people):
    opd = people["head"].get(f"{KPIS}{kpis['opd'].pk}/").json()
    assert (opd["level"], opd["unit"], opd["opd"], opd["parent"]) == (
        "unit",
        "BKPSDMD",
        "BKPSDMD",
        kpis["pemda"].pk,
    )
    assert (opd["annual_target"], opd["weight"], opd["direction"]) == (90, 2, "higher")
    assert (opd["aggregation"], opd["realisation"], opd["achievement"]) == ("last", 81, 90)
    assert opd["periods"] == [
        {
            "period": "2026-04",
            "target": 90,
            "realisation": 81,
            "achievement": 90,
            "updated_at": opd["periods"][0]["updated_at"],
        },
        {
            "period": "2026-05",
            "target": 90,
            "realisation": None,
            "achievement": None,
            "updated_at": opd["periods"][1]["updated_at"],
        },
    ]


def test_a_teams_kpi_names_the_team_and_lower_is_better(kpis, people):
    shown = people["employee"].get(f"{KPIS}{kpis['team'].pk}/").json()
    assert (shown["level"], shown["team"]["name"], shown["unit"]) == ("team", "Tim Stunting", None)
    assert shown["periods"][0]["achievement"] == 80  # 12 complaints against 10: (2 − 1.2) × 100


def test_the_kpis_filter_by_level_year_and_opd(kpis, people):
    client = people["admin"]

    def ids(params):
        return {row["id"] for row in results(client.get(KPIS, params))}

    assert ids({"level": "pemda"}) == {kpis["pemda"].pk}
    assert ids({"level": "team"}) == {kpis["team"].pk}
    assert ids({"opd": "BKPSDMD"}) == {kpis["opd"].pk}
    assert ids({"team": kpis["team"].team_id}) == {kpis["team"].pk}
    assert ids({"year": 2025}) == set()


def test_kpis_themselves_are_written_on_their_pages(kpis, people):
    assert send(people["admin"], "post", KPIS, {"name": "x"}).status_code == 405
    response = send(people["admin"], "patch", f"{KPIS}{kpis['opd'].pk}/", {"name": "x"})
    assert response.status_code == 405
    assert people["admin"].get(f"{KPIS}999999/").status_code == 404


def periods_url(kpi) -> str:
    return f"{KPIS}{kpi.pk}/periods/"


def months_of(org, kpi) -> dict:
    with org:
        return {
            row.period: (row.target, row.realisation)
            for row in KpiPeriod.objects.filter(kpi=kpi).order_by("period")
        }


def test_the_owner_sets_targets_and_realisations_of_some_months(org, kpis, people):
    body = {"targets": {"2026-06": 92, "2026-05": None}, "realisations": {"2026-04": 85.5}}

    response = send(people["head"], "patch", periods_url(kpis["opd"]), body)

    assert response.status_code == 200, response.content
    shown = response.json()
    assert [(m["period"], m["target"], m["realisation"]) for m in shown["periods"]] == [
        ("2026-04", 90, 85.5),
        ("2026-06", 92, None),
    ]
    assert months_of(org, kpis["opd"]) == {
        "2026-04": (Decimal("90.00"), Decimal("85.50")),
        "2026-06": (Decimal("92.00"), None),
    }
    with org:
        assert AuditEvent.objects.filter(action="activity.kpi.periods").count() == 1


@pytest.mark.parametrize(
    ("persona", "kpi", "body", "status"),
    [
        ("mayor", "pemda", {"targets": {"2026-01": 75}}, 200),  # leaders own the Pemda's
        ("admin", "opd", {"targets": {"2026-01": 75}}, 200),
        ("head", "pemda", {"realisations": {"2026-04": 1}}, 403),  # reads the Pemda's
        ("kasub", "opd", {"realisations": {"2026-04": 1}}, 403),  # reads their OPD's
        ("employee", "team", {"realisations": {"2026-04": 1}}, 403),  # a member, not the lead
        ("employee", "opd", {"targets": {"2026-01": 1}}, 403),
        ("head_dinkes", "opd", {"realisations": {"2026-04": 1}}, 404),  # another OPD's
        ("kabid", "team", {"realisations": {"2026-04": 1}}, 404),  # a team they do not see
    ],
)
def test_who_sets_a_kpis_months(org, kpis, people, persona, kpi, body, status):
    before = months_of(org, kpis[kpi])
    response = send(people[persona], "patch", periods_url(kpis[kpi]), body)
    assert response.status_code == status, response.content
    if status == 403:
        assert response.json()["detail"]
    else:
        assert (months_of(org, kpis[kpi]) != before) is (status == 200)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({}, {"non_field_errors": ["Give targets, realisations or both."]}),
        ({"targets": [90]}, {"targets": ["Must be an object"]}),
        ({"targets": {"2026-06": "90"}}, {"targets": ["2026-06: must be a number"]}),
        ({"targets": {"2026-06": -1}}, {"targets": {"2026-06": ["cannot be negative"]}}),
        ({"realisations": {"2026-07": 5}}, {"realisations": {"2026-07": ["Set the target"]}}),
        ({"targets": {"2025-06": 1}}, {"periods": {"2025-06": ["is not a month of 2026"]}}),
    ],
)
def test_bad_months_are_a_400_that_names_them_and_store_nothing(org, kpis, people, body, expected):
    before = months_of(org, kpis["opd"])
    response = send(people["admin"], "patch", periods_url(kpis["opd"]), body)
    assert response.status_code == 400, response.content
    shown = response.json()
    for field, want in expected.items():
        if isinstance(want, dict):
            for month, [message] in want.items():
                assert message in shown[field][month][0], shown
        else:
            assert want[0] in shown[field][0], shown
    assert months_of(org, kpis["opd"]) == before


# --- Monthly indices -------------------------------------------------------------------------


@pytest.fixture
def indices(org) -> None:
    """May 2026 recomputed for everyone, with the analyst's approved minutes."""
    with org:
        entry = logged(ANALIS, quantity="4")
        services.activities_decide(by=User.objects.get(nip=KASUB), ids=[entry.pk], approve=True)
        month_recompute(TODAY)
        month_recompute(date(2026, 4, 1))


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("admin", EVERYONE),
        ("mayor", EVERYONE),
        ("head", {KABAN, KABID, KASUB, ANALIS, PPPK}),
        ("kabid", {KABID, KASUB}),
        ("kasub", {KASUB, ANALIS, PPPK}),
        ("employee", {ANALIS}),
        ("head_dinkes", {KADINKES, STAF_DINKES}),
    ],
)
def test_each_role_lists_the_indices_of_the_people_it_sees(indices, people, persona, expected):
    assert nips_of(people[persona].get(INDICES, {"month": "2026-05"})) == expected


def test_an_index_shows_the_month_minutes_and_scores(org, indices, people):
    rows = results(people["employee"].get(INDICES))
    assert [row["month"] for row in rows] == ["2026-05", "2026-04"]
    may = rows[0]
    assert (may["approved_minutes"], may["counted_minutes"], may["pending_minutes"]) == (
        120,
        120,
        0,
    )
    assert (may["unit"], may["opd"], may["pay_withheld"]) == ("BKPSDMD.1.1", "BKPSDMD", False)
    with org:
        stored = MonthlyIndex.objects.get(employee__nip=ANALIS, month=date(2026, 5, 1))
    assert may["iki"] == float(stored.iki) and may["target_minutes"] == stored.target_minutes
    assert people["employee"].get(f"{INDICES}{may['id']}/").json() == may


def test_the_indices_filter_by_month_opd_and_person(org, indices, people):
    admin = people["admin"]
    assert nips_of(admin.get(INDICES, {"month": "2026-05", "opd": "DINKES"})) == {
        KADINKES,
        STAF_DINKES,
    }
    assert len(results(admin.get(INDICES, {"nip": SEKDA}))) == 2
    assert len(results(admin.get(INDICES, {"month_from": "2026-05", "nip": SEKDA}))) == 1
    assert len(results(admin.get(INDICES, {"month_to": "2026-04", "nip": SEKDA}))) == 1
    assert results(admin.get(INDICES, {"pay_withheld": "true"})) == []
    with org:
        peer = MonthlyIndex.objects.filter(employee__nip=PPPK).first().pk
    assert people["employee"].get(f"{INDICES}{peer}/").status_code == 404
    assert people["kasub"].get(f"{INDICES}{peer}/").status_code == 200


# --- Another Pemda ---------------------------------------------------------------------------


def test_another_pemdas_ids_resolve_nowhere(org, entries, attendance, kpis, indices, jambi_user):
    with org:
        index = MonthlyIndex.objects.filter(employee__nip=ANALIS).first().pk
        day = Attendance.objects.get(employee__nip=ANALIS, day=YESTERDAY)
    entry = entries[ANALIS].pk
    for url in (
        f"{ACTIVITIES}{entry}/",
        f"{ACTIVITIES}{entry}/evidence/",
        f"{ATTENDANCE}{day.pk}/",
        day_url(day.employee_id, "2026-05-19"),
        f"{KPIS}{kpis['opd'].pk}/",
        f"{INDICES}{index}/",
    ):
        assert jambi_user.get(url).status_code == 404, url
    assert send(jambi_user, "patch", f"{ACTIVITIES}{entry}/", {"quantity": 1}).status_code == 404
    assert jambi_user.delete(f"{ACTIVITIES}{entry}/").status_code == 404
    decided = send(jambi_user, "post", DECIDE, {"ids": [entry], "approve": True})
    assert decided.status_code == 403  # none of these are theirs (as for any unknown id)
    for url in (ACTIVITIES, ATTENDANCE, KPIS, INDICES):
        assert results(jambi_user.get(url)) == [], url
    with org:
        assert Activity.objects.get(pk=entry).state == "pending"


# --- Queries and the schema ------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200, url
    return len(captured)


def test_the_lists_read_a_constant_number_of_queries(
    org, entries, attendance, kpis, indices, people
):
    admin = people["admin"]
    urls = (ACTIVITIES, ATTENDANCE, KPIS, INDICES)
    few = [_queries(admin, url) for url in urls]
    with org:
        for nip in (PPPK, KASUB, STAF_DINKES, KADINKES):
            for day in (date(2026, 5, 18), TODAY):
                logged(nip, day, quantity="1", evidence=SimpleUploadedFile("f.png", PNG))
        services.activities_decide(
            by=User.objects.get(nip=KASUB), ids=[entries[PPPK].pk], approve=True
        )
        for n in range(5):
            kpi = Kpi.objects.create(
                year=2026,
                unit=Unit.objects.get(code="DINKES"),
                name=f"KPI {n}",
                measure="%",
                annual_target=1,
            )
            for month in (3, 4):
                KpiPeriod.objects.create(kpi=kpi, period=f"2026-0{month}", target=1, realisation=1)
            kpi.rhk.add(*kpis["opd"].rhk.all())
        month_recompute(date(2026, 3, 1))
    assert [_queries(admin, url) for url in urls] == few
    assert few == PINNED_QUERIES


# The tenant (found in the public schema, then the search path set), the session, the user,
# the page's count, then the rows (and for KPI their months and their RHK, prefetched once).
PINNED_QUERIES = [7, 7, 9, 7]


def test_the_schema_documents_the_endpoints_and_their_refusals(org):
    schema = yaml.safe_load(client_for(org).get("/api/schema/").content)
    paths = schema["paths"]
    assert {"get", "post"} <= set(paths[ACTIVITIES])
    assert {"multipart/form-data", "application/json"} == set(
        paths[ACTIVITIES]["post"]["requestBody"]["content"]
    )
    assert {"201", "400", "403", "413", "415"} <= set(paths[ACTIVITIES]["post"]["responses"])
    assert {"get", "patch", "delete"} <= set(paths["/api/v1/activities/{id}/"])
    assert "put" not in paths["/api/v1/activities/{id}/"]
    assert {"200", "400", "403"} <= set(paths["/api/v1/activities/decide/"]["post"]["responses"])
    attach = paths["/api/v1/activities/{id}/evidence/"]["post"]
    assert set(attach["requestBody"]["content"]) == {"multipart/form-data"}
    assert (
        "image/png"
        in paths["/api/v1/activities/{id}/evidence/"]["get"]["responses"]["200"]["content"]
    )
    day = paths["/api/v1/attendance/{employee}/{day}/"]
    assert {"200", "201", "400", "403", "404"} <= set(day["put"]["responses"])
    assert set(paths[KPIS]) == {"get"} and set(paths[INDICES]) == {"get"}
    parameters = {p["name"] for p in paths[ACTIVITIES]["get"]["parameters"]}
    assert {
        "nip",
        "employee",
        "day",
        "day_from",
        "day_to",
        "state",
        "to_decide",
        "page",
    } <= parameters
    components = schema["components"]["schemas"]
    assert components["AttendanceStatusEnum"]["enum"] == [
        "present",
        "leave",
        "sick",
        "duty_travel",
        "absent",
    ]
    decide = components["DecideRequest" if "DecideRequest" in components else "Decide"]
    assert decide["properties"]["ids"]["maxItems"] == services.BULK_MAX


def test_options_on_an_action_without_an_id_is_not_a_500(people):
    """Schemathesis: DRF's OPTIONS metadata asked for the object of /attendance/{employee}/
    {day}/, which has no id."""
    response = people["admin"].options("/api/v1/attendance/1/2026-05-04/")
    assert response.status_code == 200
    response = people["admin"].get("/api/v1/monthly-indices/", {"month": "0000-01"})
    assert response.status_code == 400
