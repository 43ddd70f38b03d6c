"""The performance API's actions beyond reading and RHK/IKI: starting an SKP and an
evaluation (core/performance/starting.py, which the pages call too), realisation, evidence
(bukti dukung) and feedback (umpan balik). The same scopes and write rules as the pages:
404 for what one may not see, 403 with the reason for what one sees but may not change,
400 with the rules' words and nothing changed; every endpoint in the OpenAPI schema."""

import json

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.audit.models import AuditEvent
from core.org.models import Employee
from core.performance import evaluation as ev
from core.performance.models import Evaluation, Evidence, Feedback, Iki, Realisation, Rhk, Skp
from core.performance.rules import EvaluationState
from core.performance.services import evaluation_get_or_create
from tests.conftest import JAMBI_PASSWORD, client_for, login
from tests.performance.test_evaluation_services import (
    PDF,
    PNG,
    draft,
    fill,
    period,
    skp_with_iki,
    submitted,
    user,
)
from tests.personas import ANALIS, KABAN, KASUB, PPPK

pytestmark = pytest.mark.django_db

YEAR = 2026  # the clock of these tests is in 2026: this year (startable_years)
SKP = "/api/v1/skp/"


def send(client, method, url, body, **extra):
    """A JSON request, answered in English (to read the messages)."""
    return getattr(client, method)(
        url, json.dumps(body), content_type="application/json", HTTP_ACCEPT_LANGUAGE="en", **extra
    )


def employee_id(org, nip: str) -> int:
    with org:
        return Employee.objects.get(nip=nip).pk


def messages_of(response) -> str:
    return json.dumps(response.json(), ensure_ascii=False)


@pytest.fixture
def jambi_user(jambi, jambi_client):
    """Someone of another Pemda, signed in at their own Pemda's address."""
    assert login(jambi_client, "pegawai", JAMBI_PASSWORD).status_code == 302
    return jambi_client


# --- Starting an SKP ------------------------------------------------------------------------


def test_an_employee_starts_their_skp_and_starting_it_again_gives_the_same(org, people):
    body = {"employee": employee_id(org, ANALIS), "year": YEAR}

    first = send(people["employee"], "post", SKP, body)
    again = send(people["employee"], "post", SKP, body)

    assert first.status_code == 201, first.content
    assert again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["year"] == YEAR
    assert first.json()["appraiser"] == {"nip": KASUB, "name": "Dewi Lestari"}
    with org:
        assert Skp.objects.filter(employee__nip=ANALIS).count() == 1
        assert AuditEvent.objects.filter(action="performance.skp.create").count() == 1


def test_the_atasan_starts_the_skp_of_someone_they_appraise(org, people):
    response = send(
        people["kasub"], "post", SKP, {"employee": employee_id(org, PPPK), "year": YEAR}
    )

    assert response.status_code == 201, response.content
    assert response.json()["employee"]["nip"] == PPPK
    with org:
        assert Skp.objects.filter(employee__nip=PPPK, year=YEAR).exists()


@pytest.mark.parametrize(
    ("persona", "nip", "status"),
    [
        ("employee", PPPK, 404),  # a peer: not seen
        ("kabid", ANALIS, 404),  # an atasan reaches only their own appraisees
        ("head_dinkes", ANALIS, 404),  # another OPD
        ("head", ANALIS, 403),  # the head of the OPD sees the analyst, does not appraise them
        ("mayor", ANALIS, 403),  # leaders read
        ("sekda", ANALIS, 403),
        ("admin", ANALIS, 403),  # the BKPSDMD reads
    ],
)
def test_nobody_else_starts_an_skp(org, people, persona, nip, status):
    response = send(people[persona], "post", SKP, {"employee": employee_id(org, nip), "year": YEAR})

    assert response.status_code == status, response.content
    if status == 403:
        assert "Only the employee and their appraiser" in response.json()["detail"]
    with org:
        assert not Skp.objects.exists()


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"year": 2999}, "year", "can be started for last year, this year or next year only"),
        ({"year": YEAR - 5}, "year", "can be started for last year, this year or next year only"),
        ({"year": str(YEAR)}, "year", "Must be a whole number (a year)"),
        ({"year": 2026.0}, "year", "Must be a whole number (a year)"),
        ({"year": None}, "year", "may not be null"),
        ({"employee": "1"}, "employee", "Must be a whole number (an id)"),
        ({"employee": True}, "employee", "Must be a whole number (an id)"),
    ],
)
def test_a_bad_start_of_an_skp_is_a_400_that_says_why(org, people, body, field, message):
    response = send(
        people["employee"],
        "post",
        SKP,
        {"employee": employee_id(org, ANALIS), "year": YEAR, **body},
    )

    assert response.status_code == 400, response.content
    assert message in " ".join(response.json()[field])
    with org:
        assert not Skp.objects.exists()


def test_an_unknown_employee_is_not_found(org, people):
    response = send(people["admin"], "post", SKP, {"employee": 999999, "year": YEAR})

    assert response.status_code == 404
    assert "No employee 999999" in response.json()["detail"]


def test_starting_needs_credentials_and_json(org, people):
    body = {"employee": employee_id(org, ANALIS), "year": YEAR}
    assert send(people["anonymous"], "post", SKP, body).status_code == 401
    assert people["employee"].post(SKP, body).status_code == 415  # a form
    with org:
        assert not Skp.objects.exists()


def test_another_pemdas_employee_ids_start_nothing(org, jambi_user):
    response = send(jambi_user, "post", SKP, {"employee": employee_id(org, ANALIS), "year": YEAR})

    assert response.status_code == 404
    with org:
        assert not Skp.objects.exists()


# --- Starting an evaluation -----------------------------------------------------------------


def evaluations_url(skp) -> str:
    return f"{SKP}{skp.pk}/evaluations/"


def test_the_owner_starts_the_evaluation_of_a_period_once(org, people):
    with org:
        skp = skp_with_iki(ANALIS)

    first = send(people["employee"], "post", evaluations_url(skp), {"period": period()})
    again = send(people["employee"], "post", evaluations_url(skp), {"period": period()})

    assert first.status_code == 201, first.content
    assert again.status_code == 200
    started = first.json()
    assert (started["id"], started["period"]) == (again.json()["id"], period())
    assert (started["state"], started["version"]) == ("draft", 0)
    assert started["appraiser"] == {"nip": KASUB, "name": "Dewi Lestari"}
    with org:
        assert Evaluation.objects.filter(skp=skp).count() == 1


def test_the_appraiser_starts_an_evaluation_and_the_year_is_a_period_too(org, people):
    with org:
        skp = skp_with_iki(PPPK)

    response = send(people["kasub"], "post", evaluations_url(skp), {"period": str(YEAR)})

    assert response.status_code == 201, response.content
    with org:
        assert Evaluation.objects.get(skp=skp).period == str(YEAR)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("head", 403),
        ("mayor", 403),
        ("sekda", 403),
        ("admin", 403),
        ("kabid", 404),
        ("head_dinkes", 404),
    ],
)
def test_nobody_else_starts_an_evaluation(org, people, persona, status):
    with org:
        skp = skp_with_iki(ANALIS)

    response = send(people[persona], "post", evaluations_url(skp), {"period": period()})

    assert response.status_code == status, response.content
    if status == 403:
        assert "Only the owner of the SKP and their appraiser" in response.json()["detail"]
    with org:
        assert not Evaluation.objects.exists()


def test_an_employee_cannot_start_a_peers_evaluation(org, people):
    with org:
        peer = skp_with_iki(PPPK)

    response = send(people["employee"], "post", evaluations_url(peer), {"period": period()})

    assert response.status_code == 404
    with org:
        assert not Evaluation.objects.exists()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-Q1", "is not an evaluation period of 2026"),  # the Pemda evaluates monthly
        ("2025-01", "is not an evaluation period of 2026"),  # another year's
        ("zzz", "is not an evaluation period of 2026"),
        (202603, "Must be text"),
        ("", "may not be blank"),
    ],
)
def test_a_period_that_is_not_the_skps_is_a_400(org, people, value, message):
    with org:
        skp = skp_with_iki(ANALIS)

    response = send(people["employee"], "post", evaluations_url(skp), {"period": value})

    assert response.status_code == 400, response.content
    assert message in " ".join(response.json()["period"])
    with org:
        assert not Evaluation.objects.exists()


def test_another_pemdas_skp_ids_start_no_evaluation(org, jambi_user):
    with org:
        skp = skp_with_iki(ANALIS)

    response = send(jambi_user, "post", evaluations_url(skp), {"period": period()})

    assert response.status_code == 404
    with org:
        assert not Evaluation.objects.exists()


# --- Realisation ----------------------------------------------------------------------------


def realisations_url(evaluation) -> str:
    return f"/api/v1/evaluations/{evaluation.pk}/realisations/"


def indicators(org, evaluation) -> tuple[Iki, Iki]:
    """(the quantitative IKI, the qualitative IKI) of the evaluation's SKP."""
    with org:
        found = {i.approach: i for i in Iki.objects.filter(rhk__skp=evaluation.skp_id)}
    return found["kuantitatif"], found["kualitatif"]


def saved(org, evaluation) -> dict:
    with org:
        return {
            r.iki_id: (r.value, r.text) for r in Realisation.objects.filter(evaluation=evaluation)
        }


def test_the_owner_fills_in_every_realisation_then_submits(org, people):
    with org:
        evaluation = draft()
    number, words = indicators(org, evaluation)
    body = {
        "realisations": [
            {"iki": number.pk, "value": 12.5, "text": "Dua laporan tambahan"},
            {"iki": words.pk, "text": "Diterima tanpa revisi"},
        ]
    }

    response = send(people["employee"], "put", realisations_url(evaluation), body)

    assert response.status_code == 200, response.content
    shown = {r["iki"]: (r["value"], r["text"]) for r in response.json()["realisations"]}
    assert shown == {
        number.pk: (12.5, "Dua laporan tambahan"),
        words.pk: (None, "Diterima tanpa revisi"),
    }
    assert response.json()["version"] == 0  # realisation is no change of state
    submit = send(
        people["employee"], "post", f"/api/v1/evaluations/{evaluation.pk}/submit/", {"version": 0}
    )
    assert submit.status_code == 200, submit.content
    assert submit.json()["state"] == "submitted"


def test_patch_changes_the_listed_iki_and_put_clears_the_others(org, people):
    with org:
        evaluation = draft()
        fill(evaluation, user(ANALIS))
    number, words = indicators(org, evaluation)
    client = people["employee"]

    patched = send(
        client,
        "patch",
        realisations_url(evaluation),
        {"realisations": [{"iki": number.pk, "value": 7}]},
    )
    assert patched.status_code == 200, patched.content
    after_patch = saved(org, evaluation)
    put = send(
        client,
        "put",
        realisations_url(evaluation),
        {"realisations": [{"iki": number.pk, "value": 8}]},
    )

    assert after_patch[number.pk][0] == 7 and after_patch[words.pk] == (None, "Diterima")
    assert put.status_code == 200, put.content
    assert saved(org, evaluation) == {number.pk: (8, ""), words.pk: (None, "")}


@pytest.mark.parametrize(
    ("entry", "field", "message"),
    [
        ({"value": "abc"}, "value", "Must be a number, without quotes"),
        ({"value": "12.5"}, "value", "Must be a number, without quotes"),
        ({"value": -1}, "non_field_errors", "between 0 and 999,999,999,999"),
        ({"value": 10**13}, "non_field_errors", "between 0 and 999,999,999,999"),
        ({"text": 5}, "text", "Must be text"),
        ({"iki": "1"}, "iki", "Must be a whole number (an id)"),
    ],
)
def test_a_bad_realisation_is_a_400_at_its_place_and_saves_nothing(
    org, people, entry, field, message
):
    with org:
        evaluation = draft()
    number, words = indicators(org, evaluation)
    body = {
        "realisations": [
            {"iki": words.pk, "text": "Diterima"},  # fine, but not saved: all or nothing
            {"iki": number.pk, "value": 10, **entry},
        ]
    }

    response = send(people["employee"], "put", realisations_url(evaluation), body)

    assert response.status_code == 400, response.content
    refused = response.json()["realisations"]
    assert list(refused) == ["1"]  # the refused entry, by its index
    assert message in " ".join(refused["1"][field])
    assert saved(org, evaluation) == {}


def test_a_number_for_a_qualitative_iki_and_an_unknown_iki_are_refused(org, people):
    with org:
        evaluation = draft()
        peer_iki = Iki.objects.filter(rhk__skp=skp_with_iki(PPPK)).first()
    _number, words = indicators(org, evaluation)
    body = {
        "realisations": [
            {"iki": words.pk, "value": 3},
            {"iki": peer_iki.pk, "value": 3},  # a peer's: the employee does not see it
            {"iki": 999999, "value": 3},
        ]
    }

    response = send(people["employee"], "patch", realisations_url(evaluation), body)

    assert response.status_code == 400, response.content
    first, second, third = response.json()["realisations"].values()
    assert "realised in words, not a number" in first["non_field_errors"][0]
    assert f"No IKI {peer_iki.pk} that you may see" in second["iki"][0]
    assert "No IKI 999999" in third["iki"][0]
    assert saved(org, evaluation) == {}


def test_an_iki_of_another_skp_that_one_sees_is_refused(org, people):
    """The atasan sees both analysts' IKI; an evaluation holds its own SKP's only."""
    with org:
        evaluation = draft(KASUB)
        other = Iki.objects.filter(rhk__skp=skp_with_iki(ANALIS)).first()

    body = {"realisations": [{"iki": other.pk, "value": 3}]}
    response = send(people["kasub"], "patch", realisations_url(evaluation), body)

    assert response.status_code == 400
    assert "not on the SKP of this evaluation" in messages_of(response)
    assert saved(org, evaluation) == {}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ('{"realisations": [{"iki": 1, "value": NaN}]}', "not valid JSON"),
        ('{"realisations": [{"iki": 1, "value": Infinity}]}', "not valid JSON"),
        ('[{"iki": 1, "value": 1}]', "must be a JSON object"),
    ],
)
def test_nan_infinity_and_a_bare_list_are_refused(org, people, raw, message):
    with org:
        evaluation = draft()

    response = people["employee"].put(
        realisations_url(evaluation), raw, "application/json", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert saved(org, evaluation) == {}


def test_a_number_too_big_for_a_float_is_refused(org, people):
    with org:
        evaluation = draft()
    number, _words = indicators(org, evaluation)
    raw = f'{{"realisations": [{{"iki": {number.pk}, "value": 1e400}}]}}'

    response = people["employee"].put(
        realisations_url(evaluation), raw, "application/json", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 400
    assert "must be a number" in messages_of(response)
    assert saved(org, evaluation) == {}


def test_an_iki_listed_twice_is_refused(org, people):
    with org:
        evaluation = draft()
    number, _words = indicators(org, evaluation)
    twice = [{"iki": number.pk, "value": 1}, {"iki": number.pk, "value": 2}]

    response = send(
        people["employee"], "put", realisations_url(evaluation), {"realisations": twice}
    )

    assert response.status_code == 400
    assert f"IKI {number.pk} is listed twice" in response.json()["realisations"][0]
    assert saved(org, evaluation) == {}


def test_a_submitted_evaluations_realisation_no_longer_changes(org, people):
    with org:
        evaluation = submitted()
    number, _words = indicators(org, evaluation)
    before = saved(org, evaluation)

    body = {"realisations": [{"iki": number.pk, "value": 99}]}
    response = send(people["employee"], "patch", realisations_url(evaluation), body)

    assert response.status_code == 400
    assert "change only while it is a draft or returned" in messages_of(response)
    assert saved(org, evaluation) == before


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("kasub", 403),  # the appraiser rates; the owner fills in
        ("mayor", 403),
        ("admin", 403),
        ("head", 403),
        ("kabid", 404),
        ("head_dinkes", 404),
    ],
)
def test_only_the_owner_fills_in_realisations(org, people, persona, status):
    with org:
        evaluation = draft()
    number, _words = indicators(org, evaluation)

    body = {"realisations": [{"iki": number.pk, "value": 5}]}
    response = send(people[persona], "put", realisations_url(evaluation), body)
    empty = send(people[persona], "patch", realisations_url(evaluation), {"realisations": []})

    assert (response.status_code, empty.status_code) == (status, status)
    if status == 403:
        assert "Only the owner of the evaluation" in response.json()["detail"]
    assert saved(org, evaluation) == {}


def test_an_employee_cannot_fill_in_a_peers_evaluation(org, people, jambi_user):
    with org:
        peer = draft(PPPK)
    number, _words = indicators(org, peer)
    body = {"realisations": [{"iki": number.pk, "value": 5}]}

    assert send(people["employee"], "put", realisations_url(peer), body).status_code == 404
    assert send(jambi_user, "put", realisations_url(peer), body).status_code == 404
    assert saved(org, peer) == {}


# --- Evidence -------------------------------------------------------------------------------


def evidence_url(evaluation, evidence_id=None, suffix="") -> str:
    url = f"/api/v1/evaluations/{evaluation.pk}/evidence/"
    return url + (f"{evidence_id}/" if evidence_id else "") + suffix


def upload(client, evaluation, **fields):
    return client.post(evidence_url(evaluation), fields, HTTP_ACCEPT_LANGUAGE="en")


def evidence_count(org) -> int:
    with org:
        return Evidence.objects.count()


def test_the_owner_uploads_a_file_the_appraiser_reads_and_downloads_it(org, people):
    with org:
        evaluation = draft()
        rhk = Rhk.objects.filter(skp=evaluation.skp).first()
    file = SimpleUploadedFile("laporan akhir.pdf", PDF, content_type="application/pdf")

    made = upload(people["employee"], evaluation, file=file, note="Laporan", rhk=str(rhk.pk))

    assert made.status_code == 201, made.content
    shown = made.json()
    assert (shown["file_name"], shown["note"], shown["rhk"], shown["link"]) == (
        "laporan akhir.pdf",
        "Laporan",
        rhk.pk,
        "",
    )
    assert shown["file"] == evidence_url(evaluation, shown["id"], "file/")
    listed = people["kasub"].get(evidence_url(evaluation))
    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["results"]] == [shown["id"]]
    download = people["kasub"].get(shown["file"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == PDF


def test_a_link_is_evidence_in_json_or_in_a_multipart_form(org, people):
    with org:
        evaluation = draft()
        rhk = Rhk.objects.filter(skp=evaluation.skp).first()
    client = people["employee"]

    json_link = send(
        client,
        "post",
        evidence_url(evaluation),
        {"link": "https://drive.example.id/a", "rhk": rhk.pk},
    )
    form_link = client.post(evidence_url(evaluation), {"link": "https://drive.example.id/b"})

    assert (json_link.status_code, form_link.status_code) == (201, 201), form_link.content
    assert (json_link.json()["rhk"], json_link.json()["file"]) == (rhk.pk, None)
    assert form_link.json()["link"] == "https://drive.example.id/b"
    assert client.get(evidence_url(evaluation, json_link.json()["id"], "file/")).status_code == 404
    urlencoded = client.post(
        evidence_url(evaluation),
        "link=https%3A%2F%2Fx.id",
        content_type="application/x-www-form-urlencoded",
    )
    assert urlencoded.status_code == 415  # a form cannot say null: JSON, or a file upload
    assert evidence_count(org) == 2


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"link": "ftp://x"}, "Give a link that starts with http:// or https://."),
        ({"link": "javascript:alert(1)"}, "Give a link that starts with http:// or https://."),
        ({"file": ("laporan.pdf", b"MZ not a pdf at all")}, "is not a real PDF file"),
        ({"file": ("foto.png", PDF)}, "is not a real PNG file"),
        ({"file": ("program.exe", PDF)}, "Evidence may be a PDF, JPG, PNG, XLSX, DOCX file"),
        ({"file": ("kosong.pdf", b"")}, "The file is empty."),
        ({"file": ("laporan.pdf", PDF), "link": "https://x.id"}, "Add either a file or a link."),
        ({"note": "tanpa bukti"}, "Add either a file or a link."),
        ({"link": "https://x.id", "rhk": "abc"}, "Must be a whole number (an id)"),
        ({"link": "https://x.id", "rhk": "999999"}, "Choose an RHK of this SKP."),
    ],
)
def test_bad_evidence_is_a_400_that_says_why_and_keeps_nothing(org, people, fields, message):
    with org:
        evaluation = draft()
    if "file" in fields:
        name, content = fields["file"]
        fields = {**fields, "file": SimpleUploadedFile(name, content)}

    response = upload(people["employee"], evaluation, **fields)

    assert response.status_code == 400, response.content
    assert message in messages_of(response)
    assert evidence_count(org) == 0


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"link": "ftp://x"}, "Give a link that starts with http:// or https://."),
        ({"link": 12}, "Must be text"),
        ({"link": "https://x.id", "rhk": "3"}, "Must be a whole number (an id)"),
        ({"note": "x"}, "This field is required."),
    ],
)
def test_bad_evidence_in_json_is_a_400(org, people, body, message):
    with org:
        evaluation = draft()

    response = send(people["employee"], "post", evidence_url(evaluation), body)

    assert response.status_code == 400, response.content
    assert message in messages_of(response)
    assert evidence_count(org) == 0


def test_a_file_over_10_mb_is_refused_by_the_service_and_a_huge_body_before_it(org, people):
    with org:
        evaluation = draft()
    over = SimpleUploadedFile("besar.pdf", PDF + b"0" * (10 * 1024 * 1024))
    huge = SimpleUploadedFile("besar.pdf", PDF + b"0" * (30 * 1024 * 1024))

    refused = upload(people["employee"], evaluation, file=over)
    too_big = upload(people["employee"], evaluation, file=huge)

    assert refused.status_code == 400
    assert "The file is larger than 10 MB." in messages_of(refused)
    assert too_big.status_code == 413
    assert evidence_count(org) == 0


def test_the_owner_removes_evidence(org, people):
    with org:
        evaluation = draft()
        evidence = ev.evidence_add(evaluation=evaluation, by=user(ANALIS), link="https://x.id/a")

    removed = people["employee"].delete(evidence_url(evaluation, evidence.pk))

    assert removed.status_code == 204
    assert people["employee"].delete(evidence_url(evaluation, evidence.pk)).status_code == 404
    assert evidence_count(org) == 0


def test_evidence_is_reached_only_through_its_own_evaluation(org, people):
    with org:
        mine = draft()
        other = evaluation_get_or_create(skp=mine.skp, period=period(1))
        evidence = ev.evidence_add(
            evaluation=mine, by=user(ANALIS), file=SimpleUploadedFile("a.pdf", PDF)
        )

    assert people["employee"].get(evidence_url(other, evidence.pk, "file/")).status_code == 404
    assert people["employee"].delete(evidence_url(other, evidence.pk)).status_code == 404
    assert people["employee"].get(evidence_url(mine, evidence.pk, "file/")).status_code == 200
    assert evidence_count(org) == 1


@pytest.mark.parametrize(
    ("persona", "reads", "writes"),
    [
        ("kasub", 200, 403),  # the appraiser reads the evidence; the owner adds it
        ("mayor", 200, 403),  # a leader reads
        ("admin", 200, 403),
        ("head", 200, 403),
        ("kabid", 404, 404),  # an atasan reaches only their appraisees
        ("head_dinkes", 404, 404),
    ],
)
def test_who_reads_and_who_writes_evidence(org, people, persona, reads, writes):
    with org:
        evaluation = draft()
        evidence = ev.evidence_add(
            evaluation=evaluation, by=user(ANALIS), file=SimpleUploadedFile("a.pdf", PDF)
        )
    client = people[persona]

    assert client.get(evidence_url(evaluation)).status_code == reads
    assert client.get(evidence_url(evaluation, evidence.pk, "file/")).status_code == reads
    added = send(client, "post", evidence_url(evaluation), {"link": "https://x.id"})
    uploaded = upload(client, evaluation, file=SimpleUploadedFile("b.png", PNG))
    removed = client.delete(evidence_url(evaluation, evidence.pk))

    assert (added.status_code, uploaded.status_code, removed.status_code) == (writes,) * 3
    if writes == 403:
        assert "Only the owner of the evaluation" in added.json()["detail"]
    assert evidence_count(org) == 1


def test_an_employee_cannot_read_a_peers_evidence(org, people, jambi_user):
    with org:
        peer = draft(PPPK)
        evidence = ev.evidence_add(
            evaluation=peer, by=user(PPPK), file=SimpleUploadedFile("a.pdf", PDF)
        )

    for client in (people["employee"], jambi_user):
        assert client.get(evidence_url(peer)).status_code == 404
        assert client.get(evidence_url(peer, evidence.pk, "file/")).status_code == 404
        assert client.delete(evidence_url(peer, evidence.pk)).status_code == 404
    assert people["kasub"].get(evidence_url(peer, evidence.pk, "file/")).status_code == 200


# --- Feedback -------------------------------------------------------------------------------


def feedback_url(skp) -> str:
    return f"{SKP}{skp.pk}/feedback/"


def test_the_appraiser_gives_feedback_the_owner_replies_and_both_read_it(org, people):
    with org:
        skp = skp_with_iki(ANALIS)
        rhk = Rhk.objects.filter(skp=skp).first()

    given = send(people["kasub"], "post", feedback_url(skp), {"text": "Percepat", "rhk": rhk.pk})
    reply = send(people["employee"], "post", feedback_url(skp), {"text": "Siap"})

    assert (given.status_code, reply.status_code) == (201, 201), given.content
    assert (given.json()["author"], given.json()["rhk"]) == ("Dewi Lestari", rhk.pk)
    listed = people["employee"].get(feedback_url(skp))
    assert listed.status_code == 200
    assert [row["text"] for row in listed.json()["results"]] == ["Siap", "Percepat"]
    assert listed.json()["count"] == 2


@pytest.mark.parametrize(
    ("persona", "reads", "writes"),
    [
        ("mayor", 200, 403),  # a leader reads
        ("admin", 200, 403),
        ("head", 200, 403),
        ("sekda", 200, 403),
        ("kabid", 404, 404),
        ("head_dinkes", 404, 404),
    ],
)
def test_who_reads_and_who_writes_feedback(org, people, persona, reads, writes):
    with org:
        skp = skp_with_iki(ANALIS)
        Feedback.objects.create(skp=skp, text="Pertahankan", author_name="Dewi Lestari")
    client = people[persona]

    assert client.get(feedback_url(skp)).status_code == reads
    written = send(client, "post", feedback_url(skp), {"text": "Halo"})

    assert written.status_code == writes
    if writes == 403:
        assert "Only the owner and their appraiser" in written.json()["detail"]
    with org:
        assert Feedback.objects.count() == 1


def test_an_employee_cannot_read_or_write_a_peers_feedback(org, people, jambi_user):
    with org:
        peer = skp_with_iki(PPPK)
        Feedback.objects.create(skp=peer, text="Rahasia", author_name="Dewi Lestari")

    for client in (people["employee"], jambi_user):
        assert client.get(feedback_url(peer)).status_code == 404
        assert send(client, "post", feedback_url(peer), {"text": "Halo"}).status_code == 404
    with org:
        assert Feedback.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"text": "   "}, "non_field_errors", "Write the feedback."),
        ({"text": "x" * 2001}, "text", "no more than 2000 characters"),
        ({"text": 12}, "text", "Must be text"),
        ({"text": "Halo", "rhk": "1"}, "rhk", "Must be a whole number (an id)"),
        ({"text": "Halo", "rhk": 999999}, "non_field_errors", "Choose an RHK of this SKP."),
    ],
)
def test_bad_feedback_is_a_400_and_keeps_nothing(org, people, body, field, message):
    with org:
        skp = skp_with_iki(ANALIS)

    response = send(people["kasub"], "post", feedback_url(skp), body)

    assert response.status_code == 400, response.content
    assert message in " ".join(response.json()[field])
    with org:
        assert not Feedback.objects.exists()


def test_feedback_is_json_only(org, people):
    with org:
        skp = skp_with_iki(ANALIS)

    assert people["kasub"].post(feedback_url(skp), {"text": "Halo"}).status_code == 415


# --- The pages start through the same rules -----------------------------------------------


def test_the_pages_start_through_the_same_rules(org, people):
    """A year far away and a leader are refused on the page as in the API."""
    analyst = employee_id(org, ANALIS)
    far = people["employee"].post("/kinerja/skp/", {"tahun": 2999})
    leader = people["mayor"].post("/kinerja/skp/mulai/", {"employee": analyst, "tahun": YEAR})
    head = people["head"].post("/kinerja/skp/mulai/", {"employee": analyst, "tahun": YEAR})

    assert far.status_code == 302
    assert (leader.status_code, head.status_code) == (403, 403)
    with org:
        assert not Skp.objects.exists()
        skp = skp_with_iki(KABAN)
    opened = people["sekda"].post(f"/kinerja/skp/{skp.pk}/evaluasi/{period()}/")
    assert opened.status_code == 302  # the Sekda appraises the head of BKPSDMD
    with org:
        assert Evaluation.objects.get(skp=skp).state == EvaluationState.DRAFT


# --- Queries and the schema -----------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_evidence_and_feedback_lists_read_a_constant_number_of_queries(org, people):
    with org:
        evaluation = draft()
        ev.evidence_add(evaluation=evaluation, by=user(ANALIS), link="https://x.id/0")
        Feedback.objects.create(skp=evaluation.skp, text="0", author_name="Dewi")
    urls = (evidence_url(evaluation), feedback_url(evaluation.skp))
    few = [_queries(people["kasub"], url) for url in urls]
    with org:
        rhk = Rhk.objects.filter(skp=evaluation.skp).first()
        for n in range(1, 6):
            ev.evidence_add(
                evaluation=evaluation, by=user(ANALIS), link=f"https://x.id/{n}", rhk=rhk
            )
            Feedback.objects.create(skp=evaluation.skp, rhk=rhk, text=str(n), author_name="Dewi")

    assert [_queries(people["kasub"], url) for url in urls] == few


def test_the_schema_documents_the_new_endpoints_and_their_refusals(org):
    schema = yaml.safe_load(client_for(org).get("/api/schema/").content)
    paths = schema["paths"]

    start = paths["/api/v1/skp/"]["post"]
    assert {"200", "201", "400", "401", "403", "404"} <= set(start["responses"])
    evaluation = paths["/api/v1/skp/{id}/evaluations/"]["post"]
    assert {"200", "201", "400", "403", "404"} <= set(evaluation["responses"])
    for method in ("put", "patch"):
        operation = paths["/api/v1/evaluations/{id}/realisations/"][method]
        assert {"200", "400", "403", "404"} <= set(operation["responses"])
    evidence = paths["/api/v1/evaluations/{id}/evidence/"]
    assert {"multipart/form-data", "application/json"} <= set(
        evidence["post"]["requestBody"]["content"]
    )
    assert {"201", "400", "403", "404", "413", "415"} <= set(evidence["post"]["responses"])
    assert {p["name"] for p in evidence["get"]["parameters"]} == {"id", "page"}
    removal = paths["/api/v1/evaluations/{id}/evidence/{evidence_id}/"]["delete"]
    assert {"204", "400", "403", "404"} <= set(removal["responses"])
    download = paths["/api/v1/evaluations/{id}/evidence/{evidence_id}/file/"]["get"]
    assert "application/pdf" in download["responses"]["200"]["content"]
    feedback = paths["/api/v1/skp/{id}/feedback/"]
    assert {"201", "400", "403"} <= set(feedback["post"]["responses"]) and "get" in feedback
    components = schema["components"]["schemas"]
    assert components["EvidenceAdd"]["properties"]["file"]["format"] == "binary"
    assert components["SkpStart"]["required"] == ["employee", "year"]
    assert components["EvaluationStart"]["properties"]["period"]["pattern"]
    item = components["RealisationItem"]["properties"]
    assert item["value"]["type"] == "number" and item["iki"]["type"] == "integer"
