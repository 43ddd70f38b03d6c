"""The performance REST API: the same scopes and write rules as the pages, for every role;
refused input answered with the rules' messages, nothing changed; a stale version is a 409;
every endpoint in the OpenAPI schema."""

import json

import pytest
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.accounts.models import User
from core.performance.evaluation import evaluation_submit
from core.performance.models import Evaluation, Iki, Realisation, Rhk, Skp
from core.performance.rules import BerAkhlak, EvaluationState
from core.performance.services import evaluation_get_or_create
from tests.conftest import JAMBI_PASSWORD, client_for, login
from tests.performance.test_documents import PERIOD, analis_skp, rated, rhk_add, skp_of
from tests.personas import ANALIS, EVERYONE, KABAN, KABID, KADINKES, KASUB, PPPK, STAF_DINKES

pytestmark = pytest.mark.django_db

ALL_RATED = dict.fromkeys(BerAkhlak.values, "SESUAI")


def send(client, method, url, body, **extra):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json", **extra)


def english(client, method, url, body=None):
    """A request answered in English, to read the messages."""
    if body is None:
        return getattr(client, method)(url, HTTP_ACCEPT_LANGUAGE="en")
    return send(client, method, url, body, HTTP_ACCEPT_LANGUAGE="en")


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def nips_of(response) -> set[str]:
    return {row["employee"]["nip"] for row in results(response)}


@pytest.fixture
def skps(org) -> dict[str, Skp]:
    """An SKP of 2026 for everyone in the personas' organisation; the analyst's has RHK
    supporting their atasan's, with IKI."""
    with org:
        made = {ANALIS: analis_skp()}
        for nip in EVERYONE - {ANALIS}:
            made[nip] = skp_of(nip)
    return made


def submitted(org, skp) -> Evaluation:
    """The SKP's evaluation of the period, every IKI realised, submitted by its owner."""
    with org:
        evaluation = evaluation_get_or_create(skp=skp, period=PERIOD)
        for iki in Iki.objects.filter(rhk__skp=skp):
            Realisation.objects.create(evaluation=evaluation, iki=iki, value=10)
        owner = User.objects.get(nip=skp.employee.nip)
        return evaluation_submit(evaluation=evaluation, by=owner, version=evaluation.version)


# --- Reading: each role what its pages show ---------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("admin", EVERYONE),
        ("mayor", EVERYONE),
        ("sekda", EVERYONE),
        ("head", {KABAN, KABID, KASUB, ANALIS, PPPK}),  # the OPD BKPSDMD
        ("kabid", {KABID, KASUB}),  # themself and whom they appraise
        ("kasub", {KASUB, ANALIS, PPPK}),
        ("employee", {ANALIS}),
        ("head_dinkes", {KADINKES, STAF_DINKES}),
    ],
)
def test_each_role_lists_the_skp_it_may_see(skps, people, persona, expected):
    assert nips_of(people[persona].get("/api/v1/skp/")) == expected


def test_an_skp_shows_its_rhk_with_the_cascade_and_iki(skps, people):
    response = people["employee"].get(f"/api/v1/skp/{skps[ANALIS].pk}/")
    assert response.status_code == 200
    skp = response.json()
    assert skp["year"] == 2026
    assert skp["employee"] == {"nip": ANALIS, "name": "Rudi Hartono"}
    assert skp["appraiser"] == {"nip": KASUB, "name": "Dewi Lestari"}
    utama = skp["rhk"][1] if skp["rhk"][0]["kind"] == "tambahan" else skp["rhk"][0]
    assert utama["parent_text"] == "Terlaksananya pengembangan kompetensi ASN"
    assert utama["iki"][0]["target_value"] == 12
    assert utama["iki"][0]["target"] == "12 Dokumen"


@pytest.mark.parametrize("endpoint", ["skp", "rhk", "iki", "evaluations"])
def test_an_employee_cannot_read_a_peers_records(org, skps, people, endpoint):
    peer = skps[PPPK]
    with org:
        rhk_add(peer, "Tersusunnya laporan")
        evaluation = evaluation_get_or_create(skp=peer, period=PERIOD)
        pk = {
            "skp": peer.pk,
            "rhk": Rhk.objects.filter(skp=peer).first().pk,
            "iki": Iki.objects.filter(rhk__skp=peer).first().pk,
            "evaluations": evaluation.pk,
        }[endpoint]
    assert people["employee"].get(f"/api/v1/{endpoint}/{pk}/").status_code == 404
    assert people["kasub"].get(f"/api/v1/{endpoint}/{pk}/").status_code == 200  # the atasan
    assert people["kabid"].get(f"/api/v1/{endpoint}/{pk}/").status_code == 404  # not theirs
    rows = results(people["employee"].get(f"/api/v1/{endpoint}/"))
    assert pk not in {row["id"] for row in rows}


def test_the_lists_filter_by_year_and_nip(org, skps, people):
    kasub = people["kasub"]
    assert nips_of(kasub.get("/api/v1/skp/", {"nip": ANALIS})) == {ANALIS}
    assert nips_of(kasub.get("/api/v1/skp/", {"year": "2025"})) == set()
    assert nips_of(kasub.get("/api/v1/skp/", {"year": ""})) == {KASUB, ANALIS, PPPK}
    rows = results(kasub.get("/api/v1/rhk/", {"nip": ANALIS, "year": 2026}))
    assert {row["skp"] for row in rows} == {skps[ANALIS].pk}
    iki = results(kasub.get("/api/v1/iki/", {"skp": skps[ANALIS].pk}))
    assert len(iki) == 1 and iki[0]["target_unit"] == "Dokumen"


@pytest.mark.parametrize(
    ("url", "params", "field", "message"),
    [
        ("/api/v1/skp/", {"year": "26"}, "year", "from 1900 to 2999"),
        ("/api/v1/skp/", {"year": "2026.0"}, "year", "from 1900 to 2999"),
        ("/api/v1/skp/", {"nip": "123"}, "nip", "18 digits"),
        ("/api/v1/rhk/", {"skp": "x"}, "skp", "whole number from 1"),
        ("/api/v1/iki/", {"rhk": "0"}, "rhk", "whole number from 1"),
        ("/api/v1/evaluations/", {"period": "2026-13"}, "period", "is not a period code"),
        ("/api/v1/evaluations/", {"state": "done"}, "state", "is not one of"),
    ],
)
def test_a_filter_of_the_wrong_form_is_a_400_that_says_why(
    skps, people, url, params, field, message
):
    response = people["kasub"].get(url, params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400, response.content
    assert message in response.json()[field][0]


def test_another_pemdas_ids_resolve_nowhere(org, skps, jambi, jambi_client):
    with org:
        evaluation = evaluation_get_or_create(skp=skps[ANALIS], period=PERIOD)
        rhk = Rhk.objects.filter(skp=skps[ANALIS]).first()
    assert login(jambi_client, "pegawai", JAMBI_PASSWORD).status_code == 302
    for url in (
        f"/api/v1/skp/{skps[ANALIS].pk}/",
        f"/api/v1/rhk/{rhk.pk}/",
        f"/api/v1/evaluations/{evaluation.pk}/",
    ):
        assert jambi_client.get(url).status_code == 404, url
    response = send(jambi_client, "patch", f"/api/v1/rhk/{rhk.pk}/", {"text": "x"})
    assert response.status_code == 404
    response = send(jambi_client, "post", f"/api/v1/evaluations/{evaluation.pk}/submit/", {})
    assert response.status_code == 404
    assert results(jambi_client.get("/api/v1/skp/")) == []


def test_the_api_needs_credentials(org, skps):
    for endpoint in ("skp", "rhk", "iki", "evaluations"):
        response = client_for(org).get(f"/api/v1/{endpoint}/")
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"


# --- RHK and IKI: written by the employee and their appraiser through the services -----------

NEW_RHK = {
    "kind": "utama",
    "text": "Terselenggaranya diklat teknis",
    "iki": [
        {
            "text": "Jumlah peserta diklat",
            "aspect": "kuantitas",
            "target_value": 40,
            "target_unit": "Orang",
        }
    ],
}


def _leader_rhk(org) -> int:
    with org:
        return Rhk.objects.get(skp__employee__nip=KASUB).pk


@pytest.mark.parametrize("persona", ["employee", "kasub"])
def test_the_employee_and_their_appraiser_add_an_rhk_with_its_iki(org, skps, people, persona):
    body = {**NEW_RHK, "skp": skps[ANALIS].pk, "parent": _leader_rhk(org)}
    response = send(people[persona], "post", "/api/v1/rhk/", body)
    assert response.status_code == 201, response.content
    made = response.json()
    assert made["parent"] == body["parent"]
    assert [(i["target"], i["approach"]) for i in made["iki"]] == [("40 Orang", "kuantitatif")]
    with org:
        assert Rhk.objects.get(pk=made["id"]).skp_id == skps[ANALIS].pk


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("mayor", 403),  # leaders read, they do not write
        ("sekda", 403),
        ("admin", 403),  # the BKPSDMD reads SKP
        ("head", 403),  # the head of the OPD sees it, but does not appraise the analyst
        ("kabid", 400),  # an atasan reaches only their appraisees: no such SKP for them
        ("head_dinkes", 400),
    ],
)
def test_nobody_else_writes_an_skp(org, skps, people, persona, status):
    with org:
        rhk = Rhk.objects.filter(skp=skps[ANALIS], kind="utama").first()
        iki = rhk.iki.first()
        before = (Rhk.objects.count(), Iki.objects.count(), rhk.text, iki.text)
    client = people[persona]
    body = {**NEW_RHK, "skp": skps[ANALIS].pk}
    assert send(client, "post", "/api/v1/rhk/", body).status_code == status
    sees = status == 403
    changes = [
        ("patch", f"/api/v1/rhk/{rhk.pk}/", {"text": "Diubah"}),
        ("delete", f"/api/v1/rhk/{rhk.pk}/", None),
        ("post", "/api/v1/iki/", {**NEW_RHK["iki"][0], "rhk": rhk.pk}),
        ("patch", f"/api/v1/iki/{iki.pk}/", {"text": "Diubah"}),
        ("delete", f"/api/v1/iki/{iki.pk}/", None),
    ]
    for method, url, change in changes:
        response = client.delete(url) if change is None else send(client, method, url, change)
        expected = (403 if sees else 400) if method == "post" else (403 if sees else 404)
        assert response.status_code == expected, (method, url, response.content)
    with org:
        rhk.refresh_from_db()
        iki.refresh_from_db()
        assert (Rhk.objects.count(), Iki.objects.count(), rhk.text, iki.text) == before


def test_a_refusal_says_who_may_write(org, skps, people):
    response = english(people["mayor"], "post", "/api/v1/rhk/", {**NEW_RHK, "skp": skps[ANALIS].pk})
    assert response.status_code == 403
    assert "Only the employee and their appraiser" in response.json()["detail"]


def test_a_target_without_a_unit_is_refused_with_the_rules_message(org, skps, people):
    with org:
        rhk = Rhk.objects.filter(skp=skps[ANALIS], kind="utama").first()
        counts = (Rhk.objects.count(), Iki.objects.count())
    iki = {"text": "Jumlah dokumen", "aspect": "kuantitas", "target_value": 12}
    response = english(people["employee"], "post", "/api/v1/iki/", {**iki, "rhk": rhk.pk})
    assert response.status_code == 400
    assert response.json() == {"target_unit": ["Give the target's unit (Dokumen, Laporan, %, …)."]}
    body = {**NEW_RHK, "skp": skps[ANALIS].pk, "iki": [iki]}
    response = english(people["employee"], "post", "/api/v1/rhk/", body)
    assert response.status_code == 400
    assert "Give the target's unit" in response.json()["iki"][0]
    with org:
        assert (Rhk.objects.count(), Iki.objects.count()) == counts


@pytest.mark.parametrize(
    ("endpoint", "change", "field", "message"),
    [
        ("rhk", {"skp": "1"}, "skp", "Must be a whole number"),
        ("rhk", {"parent": True}, "parent", "Must be a whole number"),
        ("rhk", {"kind": "UTAMA"}, "kind", "is not one of"),
        ("rhk", {"text": 12}, "text", "Must be text"),
        ("rhk", {"text": "  "}, "text", "Write what the RHK will deliver."),
        ("rhk", {"text": "a\x00b"}, "text", "Null characters are not allowed."),
        ("iki", {"target_value": "12"}, "target_value", "Must be a number"),
        ("iki", {"aspect": "speed"}, "aspect", "is not one of"),
        ("iki", {"approach": "kualitatif"}, "target_text", "Describe the qualitative target."),
        ("iki", {"target_value": -1}, "target_value", "between 0 and"),
    ],
)
def test_bad_input_is_a_400_with_the_message_and_changes_nothing(
    org, skps, people, endpoint, change, field, message
):
    with org:
        rhk = Rhk.objects.filter(skp=skps[ANALIS], kind="utama").first()
        counts = (Rhk.objects.count(), Iki.objects.count())
    body = {
        "rhk": {"skp": skps[ANALIS].pk, "kind": "utama", "text": "Tersusunnya laporan"},
        "iki": {**NEW_RHK["iki"][0], "rhk": rhk.pk},
    }[endpoint]
    response = english(people["employee"], "post", f"/api/v1/{endpoint}/", {**body, **change})
    assert response.status_code == 400, response.content
    assert message in " ".join(response.json()[field]), response.content
    with org:
        assert (Rhk.objects.count(), Iki.objects.count()) == counts


def test_an_rhk_and_an_iki_change_and_go(org, skps, people):
    client = people["employee"]
    with org:
        rhk = Rhk.objects.filter(skp=skps[ANALIS], kind="tambahan").first()
    response = send(client, "patch", f"/api/v1/rhk/{rhk.pk}/", {"text": "Menjadi fasilitator"})
    assert (response.status_code, response.json()["text"]) == (200, "Menjadi fasilitator")
    put = {"skp": skps[ANALIS].pk, "kind": "tambahan", "text": "Menjadi narasumber"}
    assert send(client, "put", f"/api/v1/rhk/{rhk.pk}/", put).status_code == 200
    moved = english(client, "patch", f"/api/v1/rhk/{rhk.pk}/", {"skp": skps[PPPK].pk})
    assert moved.status_code == 400 and "cannot change" in moved.json()["skp"][0]
    iki = send(client, "post", "/api/v1/iki/", {**NEW_RHK["iki"][0], "rhk": rhk.pk})
    assert iki.status_code == 201, iki.content
    url = f"/api/v1/iki/{iki.json()['id']}/"
    changed = send(client, "patch", url, {"target_value": 45.5})
    assert (changed.status_code, changed.json()["target"]) == (200, "45.5 Orang")
    assert client.delete(url).status_code == 204
    assert client.get(url).status_code == 404
    assert client.delete(f"/api/v1/rhk/{rhk.pk}/").status_code == 204
    with org:
        assert not Rhk.objects.filter(pk=rhk.pk).exists()


def test_a_rated_month_leaves_the_skp_open_and_a_rated_year_closes_it(org, skps, people):
    with org:
        rated(skps[ANALIS])  # a month: the SKP may still be revised for the months after it
        rhk = Rhk.objects.filter(skp=skps[ANALIS]).first()
    response = english(people["employee"], "patch", f"/api/v1/rhk/{rhk.pk}/", {"text": "Baru"})
    assert response.status_code == 200
    with org:
        rated(skps[ANALIS], period=PERIOD[:4])  # the year's own evaluation
    response = english(people["employee"], "patch", f"/api/v1/rhk/{rhk.pk}/", {"text": "Lagi"})
    assert response.status_code == 400
    assert "can no longer be changed" in response.json()["non_field_errors"][0]
    with org:
        assert Rhk.objects.get(pk=rhk.pk).text == "Baru"


def test_a_form_body_is_unsupported(org, skps, people):
    response = people["employee"].post("/api/v1/rhk/", {"skp": skps[ANALIS].pk, "text": "x"})
    assert response.status_code == 415


# --- Evaluations: submit, return, rate ---------------------------------------------------------


def _url(evaluation, action: str = "") -> str:
    return f"/api/v1/evaluations/{evaluation.pk}/" + (f"{action}/" if action else "")


def test_the_owner_submits_with_the_version_and_a_second_submit_is_a_409(org, skps, people):
    with org:
        evaluation = evaluation_get_or_create(skp=skps[ANALIS], period=PERIOD)
        for iki in Iki.objects.filter(rhk__skp=skps[ANALIS]):
            Realisation.objects.create(evaluation=evaluation, iki=iki, value=11)
    client = people["employee"]
    body = {"version": evaluation.version}
    response = send(client, "post", _url(evaluation, "submit"), body)
    assert response.status_code == 200, response.content
    assert (response.json()["state"], response.json()["version"]) == ("submitted", 1)
    again = english(client, "post", _url(evaluation, "submit"), body)
    assert again.status_code == 409
    assert again.json() == {"version": ["This evaluation has already been submitted."]}


def test_the_appraiser_rates_and_the_ratings_are_in_the_evaluation(org, skps, people):
    evaluation = submitted(org, skps[ANALIS])
    behaviours = {**ALL_RATED, BerAkhlak.KOMPETEN: "DI_ATAS"}
    body = {
        "version": evaluation.version,
        "hasil": "DI_ATAS",
        "behaviours": behaviours,
        "expectations": {BerAkhlak.AKUNTABEL: "Laporan tepat waktu"},
        "note": "Baik sekali",
    }
    response = send(people["kasub"], "post", _url(evaluation, "rate"), body)
    assert response.status_code == 200, response.content
    rated_ = people["employee"].get(_url(evaluation)).json()
    assert (rated_["state"], rated_["hasil"], rated_["perilaku"], rated_["predikat"]) == (
        "evaluated",
        "DI_ATAS",
        "SESUAI",
        "BAIK",
    )
    assert {b["value"]: b["rating"] for b in rated_["behaviours"]} == behaviours
    assert [b["value"] for b in rated_["behaviours"]] == list(BerAkhlak.values)
    assert rated_["appraiser"] == {"nip": KASUB, "name": "Dewi Lestari"}


def test_an_employee_cannot_rate_themself(org, skps, people):
    evaluation = submitted(org, skps[ANALIS])
    body = {"version": evaluation.version, "hasil": "DI_ATAS", "behaviours": ALL_RATED}
    response = send(people["employee"], "post", _url(evaluation, "rate"), body)
    assert response.status_code == 403
    with org:
        assert Evaluation.objects.get(pk=evaluation.pk).state == EvaluationState.SUBMITTED


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("mayor", 403),
        ("sekda", 403),
        ("admin", 403),
        ("head", 403),  # sees the analyst, does not appraise them
        ("kabid", 404),  # an atasan reaches only their own appraisees
        ("head_dinkes", 404),
    ],
)
def test_only_the_appraiser_rates_or_returns(org, skps, people, persona, status):
    evaluation = submitted(org, skps[ANALIS])
    client = people[persona]
    rate = {"version": evaluation.version, "hasil": "SESUAI", "behaviours": ALL_RATED}
    assert send(client, "post", _url(evaluation, "rate"), rate).status_code == status
    back = {"version": evaluation.version, "note": "Lengkapi bukti"}
    assert send(client, "post", _url(evaluation, "return"), back).status_code == status
    assert send(client, "post", _url(evaluation, "submit"), back).status_code == status
    with org:
        after = Evaluation.objects.get(pk=evaluation.pk)
    assert (after.state, after.version) == (EvaluationState.SUBMITTED, evaluation.version)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"hasil": "BAGUS"}, "hasil", "is not one of"),
        ({"behaviours": {**ALL_RATED, "loyal": "TINGGI"}}, None, "must be one of"),
        ({"behaviours": {"loyal": "SESUAI"}}, None, "Rate every core value first"),
        ({"behaviours": "SESUAI"}, "behaviours", "Must be an object"),
        ({"version": "1"}, "version", "Must be a whole number"),
        ({"hasil": None}, None, "Choose the rating of the hasil kerja."),
    ],
)
def test_a_rating_outside_the_choices_is_a_400_with_the_message(
    org, skps, people, change, field, message
):
    evaluation = submitted(org, skps[ANALIS])
    body = {"version": evaluation.version, "hasil": "SESUAI", "behaviours": ALL_RATED, **change}
    response = english(people["kasub"], "post", _url(evaluation, "rate"), body)
    assert response.status_code == 400, response.content
    assert message in " ".join(response.json()[field or "non_field_errors"])
    with org:
        assert Evaluation.objects.get(pk=evaluation.pk).state == EvaluationState.SUBMITTED


def test_a_stale_version_is_a_409_and_changes_nothing(org, skps, people):
    evaluation = submitted(org, skps[ANALIS])
    body = {"version": evaluation.version - 1, "hasil": "SESUAI", "behaviours": ALL_RATED}
    response = english(people["kasub"], "post", _url(evaluation, "rate"), body)
    assert response.status_code == 409
    assert "changed meanwhile" in response.json()["version"][0]
    with org:
        after = Evaluation.objects.get(pk=evaluation.pk)
    assert (after.state, after.version, after.predikat) == ("submitted", evaluation.version, "")


def test_two_appraisers_rating_at_once_the_second_is_a_409(org, skps, people):
    evaluation = submitted(org, skps[ANALIS])
    first = {"version": evaluation.version, "hasil": "DI_ATAS", "behaviours": ALL_RATED}
    assert send(people["kasub"], "post", _url(evaluation, "rate"), first).status_code == 200
    second = {**first, "hasil": "DI_BAWAH"}
    assert send(people["kasub"], "post", _url(evaluation, "rate"), second).status_code == 409
    with org:
        assert Evaluation.objects.get(pk=evaluation.pk).hasil == "DI_ATAS"


def test_the_appraiser_returns_it_with_a_reason(org, skps, people):
    evaluation = submitted(org, skps[ANALIS])
    url = _url(evaluation, "return")
    without = english(people["kasub"], "post", url, {"version": evaluation.version, "note": ""})
    assert without.status_code == 400
    body = {"version": evaluation.version, "note": "Lengkapi bukti dukung"}
    response = send(people["kasub"], "post", url, body)
    assert response.status_code == 200, response.content
    assert (response.json()["state"], response.json()["return_note"]) == (
        "returned",
        "Lengkapi bukti dukung",
    )


def test_the_evaluations_list_filters_by_period_and_state(org, skps, people):
    submitted(org, skps[ANALIS])
    with org:
        evaluation_get_or_create(skp=skps[PPPK], period=PERIOD)
    kasub = people["kasub"]
    assert nips_of(kasub.get("/api/v1/evaluations/", {"period": PERIOD})) == {ANALIS, PPPK}
    assert nips_of(kasub.get("/api/v1/evaluations/", {"state": "submitted"})) == {ANALIS}
    assert nips_of(kasub.get("/api/v1/evaluations/", {"period": "2026-04"})) == set()


# --- Queries and the schema ---------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_lists_read_a_constant_number_of_queries(org, skps, people):
    admin = people["admin"]
    urls = ("/api/v1/skp/", "/api/v1/rhk/", "/api/v1/iki/", "/api/v1/evaluations/")
    rated(skps[ANALIS])
    few = [_queries(admin, url) for url in urls]
    with org:
        leader_rhk = Rhk.objects.get(skp__employee__nip=KASUB)
        for nip in (PPPK, KABID, KADINKES):
            for n in range(4):
                rhk_add(skps[nip], f"RHK {n}", parent=leader_rhk, iki=2)
            rated(skps[nip])
    assert [_queries(admin, url) for url in urls] == few
    assert max(few) <= 12


def test_the_openapi_schema_lists_the_endpoints_and_their_refusals(org):
    schema = yaml.safe_load(client_for(org).get("/api/schema/").content)
    paths = schema["paths"]
    for path in ("/api/v1/skp/", "/api/v1/rhk/", "/api/v1/iki/", "/api/v1/evaluations/"):
        assert "get" in paths[path], path
    assert {"post"} <= set(paths["/api/v1/rhk/"]) and {"post"} <= set(paths["/api/v1/iki/"])
    assert {"put", "patch", "delete"} <= set(paths["/api/v1/rhk/{id}/"])
    assert "post" in paths["/api/v1/skp/"]  # starting an SKP (test_api_actions.py)
    for action in ("submit", "return", "rate"):
        operation = paths[f"/api/v1/evaluations/{{id}}/{action}/"]["post"]
        assert {"200", "400", "401", "403", "404", "409"} <= set(operation["responses"])
        assert "version" in operation["responses"]["409"]["description"]
    parameters = {p["name"] for p in paths["/api/v1/skp/"]["get"]["parameters"]}
    assert {"year", "nip", "page"} <= parameters
    components = schema["components"]["schemas"]
    behaviours = components["RateRequest" if "RateRequest" in components else "Rate"]
    assert set(behaviours["properties"]["behaviours"]["required"]) == set(BerAkhlak.values)
    evaluation = components["Evaluation"]["properties"]
    assert {"hasil", "perilaku", "predikat", "behaviours", "version"} <= set(evaluation)


def test_a_rated_evaluation_answers_with_the_realisations_it_rated(org, people):
    """After a perubahan SKP the API shows what was rated, as the page does."""
    from core.performance.services import iki_delete
    from tests.performance.test_evaluation_services import rated as rated_through_services
    from tests.performance.test_evaluation_services import user

    with org:
        evaluation = rated_through_services()
        kept = [iki["id"] for rhk in evaluation.content for iki in rhk["iki"]]
        iki_delete(iki=Iki.objects.get(pk=kept[0]), by=user(ANALIS))
    response = people["employee"].get(f"/api/v1/evaluations/{evaluation.pk}/")
    assert response.status_code == 200
    assert [row["iki"] for row in response.json()["realisations"]] == sorted(kept)
