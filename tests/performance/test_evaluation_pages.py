"""The evaluation pages (core/performance/views_evaluation.py): what each persona sees and
may do, bad input answered with a message and nothing changed, and what the pages cost.
Pages are tested in Indonesian (the default); messages are matched where they are not yet
translated, or in English with the ``english`` fixture."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.performance.evaluation import periods_current
from core.performance.models import Evaluation, Evidence, Feedback, Iki, Rhk
from core.performance.rules import BerAkhlak
from core.performance.services import evaluation_get_or_create
from tests.performance.test_evaluation_services import (
    PDF,
    PNG,
    draft,
    fill,
    fresh,
    period,
    rated,
    skp_with_iki,
    submitted,
    user,
)
from tests.personas import ANALIS, KABAN, KASUB

pytestmark = pytest.mark.django_db

INBOX = "/kinerja/penilaian/"


def detail(evaluation) -> str:
    return f"/kinerja/evaluasi/{evaluation.pk}/"


def in_english(client):
    """Messages are matched in English (the language menu's cookie)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def rate_data(version, hasil="DI_ATAS", **overrides) -> dict:
    data = {"version": version, "hasil": hasil, "note": "Bagus"}
    data.update({f"rating_{value}": "SESUAI" for value in BerAkhlak.values})
    data.update(overrides)
    return data


# --- Inbox and opening an evaluation ---------------------------------------------------------


def test_the_inbox_shows_my_periods_and_what_waits(org, people):
    with org:
        skp = skp_with_iki(ANALIS)
        evaluation = evaluation_get_or_create(skp=skp, period=period())
    response = people["employee"].get(f"{INBOX}?tahun=2026")
    assert response.status_code == 200
    body = response.content.decode()
    assert detail(evaluation) in body
    assert f"/kinerja/skp/{skp.pk}/evaluasi/{period(1)}/" in body  # a period not started


def test_the_atasan_sees_their_team_and_what_to_rate(org, people):
    with org:
        evaluation = submitted(ANALIS)
    response = people["kasub"].get(f"{INBOX}?tahun=2026&periode={period()}")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Rudi Hartono" in body and "Ayu Kusuma" in body  # the analyst and the PPPK
    assert detail(evaluation) in body


def test_the_inbox_of_an_account_without_an_employee_says_why_it_is_empty(people):
    response = people["mayor"].get(INBOX)
    assert response.status_code == 200
    assert not response.context["team"]


def test_the_inbox_wants_a_login(people):
    assert people["anonymous"].get(INBOX).status_code == 302


@pytest.mark.parametrize("tahun", ["abc", "99999", "-1", ""])
def test_a_bad_year_on_the_inbox_falls_back_to_this_year(people, tahun):
    response = people["employee"].get(f"{INBOX}?tahun={tahun}&periode=zzz")
    assert response.status_code == 200
    assert response.context["year"] == timezone.localdate().year


def test_the_owner_opens_an_evaluation_once(org, people):
    with org:
        skp = skp_with_iki(ANALIS)
    url = f"/kinerja/skp/{skp.pk}/evaluasi/{period()}/"
    offered = people["employee"].get(url)  # a GET only offers to start it
    assert offered.status_code == 200 and "csrfmiddlewaretoken" in offered.content.decode()
    with org:
        assert not Evaluation.objects.filter(skp=skp).exists()
    first = people["employee"].post(url)
    second = people["employee"].post(url)
    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    assert people["employee"].get(url).url == first.url  # once started, a GET leads to it
    with org:
        assert Evaluation.objects.filter(skp=skp).count() == 1


def test_realisation_that_is_not_a_number_is_refused_not_a_500(org, people):
    from core.performance.models import Iki

    with org:
        skp = skp_with_iki(ANALIS)
        iki = Iki.objects.filter(rhk__skp=skp).first()
    url = f"/kinerja/skp/{skp.pk}/evaluasi/{period()}/"
    detail = people["employee"].post(url).url
    save = detail.rstrip("/") + "/simpan/"
    people["employee"].post(save, {f"value_{iki.pk}": "10"})
    for junk in ("sNaN", "NaN", "Infinity", "-inf"):
        response = people["employee"].post(save, {f"value_{iki.pk}": junk})
        assert response.status_code in (200, 302, 400), junk


def test_a_period_that_is_not_the_pemdas_is_refused(org, people):
    with org:
        skp = skp_with_iki(ANALIS)
    for code in ("2026-Q1", "2025-01", "zzz"):
        response = people["employee"].get(f"/kinerja/skp/{skp.pk}/evaluasi/{code}/")
        assert response.status_code == 302 and response.url == INBOX
    with org:
        assert not Evaluation.objects.filter(skp=skp).exists()


def test_a_reader_does_not_start_someone_elses_evaluation(org, people):
    with org:
        skp = skp_with_iki(ANALIS)
    response = people["mayor"].get(f"/kinerja/skp/{skp.pk}/evaluasi/{period()}/")
    assert response.status_code == 302 and response.url == INBOX
    with org:
        assert not Evaluation.objects.filter(skp=skp).exists()


@pytest.mark.parametrize("persona", ["head_dinkes", "kabid"])
def test_someone_who_cannot_see_the_skp_gets_404_on_open(org, people, persona):
    with org:
        skp = skp_with_iki(ANALIS)
    response = people[persona].get(f"/kinerja/skp/{skp.pk}/evaluasi/{period()}/")
    assert response.status_code == 404


# --- Who reads an evaluation ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("employee", 200),  # the owner
        ("kasub", 200),  # the appraiser
        ("head", 200),  # the head of the OPD reads
        ("mayor", 200),  # a leader reads
        ("sekda", 200),
        ("admin", 200),
        ("kabid", 404),  # the atasan's atasan sees only their own appraisees
        ("head_dinkes", 404),  # another OPD
    ],
)
def test_who_reads_an_evaluation(org, people, persona, status):
    with org:
        evaluation = submitted(ANALIS)
    assert people[persona].get(detail(evaluation)).status_code == status


def test_a_peer_cannot_read_an_evaluation(org, surabaya_client):
    from tests.conftest import login
    from tests.personas import PPPK

    with org:
        evaluation = submitted(ANALIS)
    login(surabaya_client, PPPK)
    assert surabaya_client.get(detail(evaluation)).status_code == 404


def test_another_pemdas_ids_resolve_nowhere(org, jambi_client):
    from tests.conftest import JAMBI_PASSWORD, login

    with org:
        evaluation = submitted(ANALIS)
    login(jambi_client, "pegawai", JAMBI_PASSWORD)
    assert jambi_client.get(detail(evaluation)).status_code == 404
    assert jambi_client.post(f"{detail(evaluation)}nilai/", rate_data(1)).status_code == 404
    assert (
        jambi_client.get(f"/kinerja/skp/{evaluation.skp_id}/evaluasi/{period()}/").status_code
        == 404
    )


def test_the_owner_gets_the_forms_of_a_draft_and_readers_none(org, people):
    with org:
        evaluation = draft()
    owner = people["employee"].get(detail(evaluation)).context
    assert owner["realisation_form"] and owner["evidence_form"] and owner["feedback_form"]
    assert owner["rate_form"] is None and owner["return_form"] is None
    leader = people["mayor"].get(detail(evaluation)).context
    assert not any(
        leader[name]
        for name in (
            "realisation_form",
            "evidence_form",
            "feedback_form",
            "rate_form",
            "return_form",
        )
    )


def test_the_appraiser_gets_the_rating_form_of_a_submitted_evaluation(org, people):
    with org:
        evaluation = submitted()
    context = people["kasub"].get(detail(evaluation)).context
    assert context["rate_form"] and context["return_form"] and context["feedback_form"]
    assert context["realisation_form"] is None and context["evidence_form"] is None
    assert len(context["matrix_rows"]) == 3


def test_a_rated_evaluation_shows_its_predikat_and_the_matrix_cell(org, people):
    with org:
        evaluation = rated(hasil="DI_ATAS", behaviours={v: "DI_ATAS" for v in BerAkhlak.values})
    response = people["employee"].get(detail(evaluation))
    cells = [cell for _hasil, row in response.context["matrix_rows"] for cell in row if cell[2]]
    assert [(str(c[0]), str(c[1])) for c in cells] == [("DI_ATAS", "Sangat Baik")]
    assert len(response.context["rated"]) == 7
    assert response.context["rate_form"] is None


# --- The owner fills in and submits ---------------------------------------------------------


def _realisation_post(evaluation, action="save", **values):
    data = {"version": evaluation.version, "action": action}
    for iki in Iki.objects.filter(rhk__skp=evaluation.skp_id):
        if iki.approach == "kuantitatif":
            data[f"value_{iki.pk}"] = values.get("number", "11")
            data[f"text_{iki.pk}"] = ""
        else:
            data[f"text_{iki.pk}"] = values.get("words", "Selesai")
    return data


def test_the_owner_saves_the_realisation_and_submits(org, people):
    with org:
        evaluation = draft()
    client = people["employee"]
    url = f"{detail(evaluation)}simpan/"
    assert client.post(url, _realisation_post(evaluation)).status_code == 302
    with org:
        assert fresh(evaluation).state == "draft"
        assert evaluation.realisations.count() == 2
    response = client.post(url, _realisation_post(evaluation, "submit"))
    assert response.status_code == 302
    with org:
        assert fresh(evaluation).state == "submitted"


def test_a_bad_realisation_on_the_page_saves_nothing(org, people):
    with org:
        evaluation = draft()
    response = people["employee"].post(
        f"{detail(evaluation)}simpan/", _realisation_post(evaluation, "submit", number="-5")
    )
    assert response.status_code == 400
    with org:
        assert not evaluation.realisations.exists()
        assert fresh(evaluation).state == "draft"


def test_save_and_submit_keeps_what_was_saved_when_the_submit_is_refused(org, people):
    with org:
        evaluation = draft()
    data = _realisation_post(evaluation, "submit", words="")  # the qualitative IKI left empty
    client = in_english(people["employee"])
    response = client.post(f"{detail(evaluation)}simpan/", data)
    assert response.status_code == 400
    assert "1 of 2 are empty" in response.content.decode()
    with org:
        assert fresh(evaluation).state == "draft"
        assert evaluation.realisations.get().value == 11


def test_a_double_submit_from_the_page_is_answered_with_a_message(org, people):
    with org:
        evaluation = draft()
        fill(evaluation, user(ANALIS))
    client = in_english(people["employee"])
    data = {"version": 0}
    assert client.post(f"{detail(evaluation)}kirim/", data).status_code == 302
    response = client.post(f"{detail(evaluation)}kirim/", data)
    assert response.status_code == 400
    assert "already been submitted" in response.content.decode()
    with org:
        assert fresh(evaluation).version == 1


@pytest.mark.parametrize("persona", ["kasub", "mayor", "head", "admin"])
def test_only_the_owner_saves_and_submits(org, people, persona):
    with org:
        evaluation = draft()
        fill(evaluation, user(ANALIS))
    assert people[persona].post(f"{detail(evaluation)}kirim/", {"version": 0}).status_code == 403
    response = people[persona].post(f"{detail(evaluation)}simpan/", _realisation_post(evaluation))
    assert response.status_code == 403
    with org:
        assert fresh(evaluation).state == "draft"


# --- The appraiser rates or returns ---------------------------------------------------------


def test_the_appraiser_rates_on_the_page(org, people):
    with org:
        evaluation = submitted()
    response = people["kasub"].post(f"{detail(evaluation)}nilai/", rate_data(1))
    assert response.status_code == 302
    with org:
        after = fresh(evaluation)
        assert (after.state, after.predikat) == ("evaluated", "BAIK")


def test_a_second_rater_with_the_old_page_is_told_and_nothing_changes(org, people):
    with org:
        evaluation = submitted()
    client = in_english(people["kasub"])
    assert client.post(f"{detail(evaluation)}nilai/", rate_data(1)).status_code == 302
    response = client.post(f"{detail(evaluation)}nilai/", rate_data(1, hasil="DI_BAWAH"))
    assert response.status_code == 400
    assert "changed meanwhile" in response.content.decode()
    with org:
        assert fresh(evaluation).hasil == "DI_ATAS"


@pytest.mark.parametrize(
    "overrides",
    [
        {"hasil": "LUAR_BIASA"},
        {"rating_loyal": "HEBAT"},
        {"rating_loyal": ""},
        {"expectation_loyal": "x" * 2001},
        {"version": "abc"},
    ],
)
def test_a_rating_outside_the_choices_on_the_page_changes_nothing(org, people, overrides):
    with org:
        evaluation = submitted()
    data = rate_data(1)
    data.update(overrides)
    response = people["kasub"].post(f"{detail(evaluation)}nilai/", data)
    assert response.status_code == 400
    with org:
        assert fresh(evaluation).state == "submitted"


@pytest.mark.parametrize(("persona", "status"), [("employee", 403), ("mayor", 403), ("head", 403)])
def test_nobody_but_the_appraiser_rates_or_returns_on_the_page(org, people, persona, status):
    """The owner may not rate themself; a leader and the head of the OPD read only."""
    with org:
        evaluation = submitted()
    rate = people[persona].post(f"{detail(evaluation)}nilai/", rate_data(1))
    back = people[persona].post(f"{detail(evaluation)}kembalikan/", {"version": 1, "note": "x"})
    assert rate.status_code == back.status_code == status
    with org:
        assert fresh(evaluation).state == "submitted"


def test_an_atasan_rating_themself_is_refused(org, people):
    with org:
        evaluation = submitted(KASUB)
    response = people["kasub"].post(f"{detail(evaluation)}nilai/", rate_data(1))
    assert response.status_code == 403
    with org:
        assert fresh(evaluation).state == "submitted"


def test_the_atasans_atasan_does_not_reach_the_evaluation(org, people):
    with org:
        evaluation = submitted()
    assert people["kabid"].post(f"{detail(evaluation)}nilai/", rate_data(1)).status_code == 404


def test_the_appraiser_returns_with_a_note_and_not_without(org, people):
    with org:
        evaluation = submitted()
    url = f"{detail(evaluation)}kembalikan/"
    assert people["kasub"].post(url, {"version": 1, "note": ""}).status_code == 400
    assert people["kasub"].post(url, {"version": 1, "note": "Lengkapi"}).status_code == 302
    with org:
        assert fresh(evaluation).state == "returned"
    response = people["employee"].get(detail(evaluation))
    assert "Lengkapi" in response.content.decode()


def test_the_head_of_an_opd_gets_the_default_hasil_proposed(org, people):
    from core.org.models import Unit
    from core.performance.models import UnitPeriod

    with org:
        evaluation = submitted(KABAN)
        UnitPeriod.objects.create(
            opd=Unit.objects.get(code="BKPSDMD"), period=evaluation.period, org_predikat="BAIK"
        )
    context = people["sekda"].get(detail(evaluation)).context
    assert context["hasil_default"] == "SESUAI"
    assert context["rate_form"].initial["hasil"] == "SESUAI"


# --- Evidence and feedback ------------------------------------------------------------------


def test_evidence_on_the_page_is_checked_by_content(org, people):
    with org:
        evaluation = draft()
    client = people["employee"]
    url = f"{detail(evaluation)}bukti/"
    fake = SimpleUploadedFile("foto.jpg", b"MZ not an image")
    assert client.post(url, {"file": fake, "note": "foto"}).status_code == 400
    good = SimpleUploadedFile("grafik.png", PNG)
    assert client.post(url, {"file": good}).status_code == 302
    assert client.post(url, {"link": "javascript:alert(1)"}).status_code == 400
    assert client.post(url, {"link": "https://example.id/bukti"}).status_code == 302
    with org:
        assert Evidence.objects.filter(evaluation=evaluation).count() == 2


def test_a_file_over_10_mb_on_the_page_is_refused(org, people):
    """Over 10 MB the service refuses it (400); a 50 MB body never reaches the view (413)."""
    with org:
        evaluation = draft()
    url = f"{detail(evaluation)}bukti/"
    over = SimpleUploadedFile("besar.pdf", PDF + b"0" * (10 * 1024 * 1024))
    assert people["employee"].post(url, {"file": over}).status_code == 400
    big = SimpleUploadedFile("besar.pdf", PDF + b"0" * (50 * 1024 * 1024))
    assert people["employee"].post(url, {"file": big}).status_code == 413
    with org:
        assert not Evidence.objects.exists()


def test_an_evidence_file_is_downloaded_by_readers_only(org, people):
    from core.performance import evaluation as ev

    with org:
        evaluation = draft()
        evidence = ev.evidence_add(
            evaluation=evaluation,
            by=user(ANALIS),
            file=SimpleUploadedFile("laporan akhir.pdf", PDF),
        )
    url = f"{detail(evaluation)}bukti/{evidence.pk}/"
    response = people["kasub"].get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF
    assert people["head_dinkes"].get(url).status_code == 404
    assert people["kasub"].post(f"{url}hapus/").status_code == 403
    assert people["employee"].post(f"{url}hapus/").status_code == 302
    with org:
        assert not Evidence.objects.exists()


def test_feedback_on_the_page(org, people):
    with org:
        evaluation = draft()
        rhk = Rhk.objects.filter(skp=evaluation.skp_id).first()
    url = f"{detail(evaluation)}umpan-balik/"
    assert people["kasub"].post(url, {"text": "Bagus", "rhk": rhk.pk}).status_code == 302
    assert people["employee"].post(url, {"text": "Terima kasih"}).status_code == 302
    assert people["kasub"].post(url, {"text": ""}).status_code == 400
    assert people["mayor"].post(url, {"text": "Hai"}).status_code == 403
    assert people["head"].post(url, {"text": "Hai"}).status_code == 403
    with org:
        assert Feedback.objects.filter(skp=evaluation.skp_id).count() == 2


# --- Home card and menu ---------------------------------------------------------------------


def test_the_home_page_tells_the_owner_and_the_appraiser_what_waits(org, people):
    with org:
        code = periods_current()[0].code
        year = int(code[:4])
        evaluation = evaluation_get_or_create(skp=skp_with_iki(ANALIS, year), period=code)
        other = evaluation_get_or_create(skp=skp_with_iki("199505052023212006", year), period=code)
        fill(other, user("199505052023212006"))
    body = people["employee"].get("/").content.decode()
    assert detail(evaluation) in body
    assert INBOX in body  # the menu entry
    assert detail(other) not in people["kasub"].get("/").content.decode()
    with org:
        from core.performance import evaluation as ev

        ev.evaluation_submit(evaluation=other, by=user("199505052023212006"), version=0)
    assert detail(other) in people["kasub"].get("/").content.decode()
    assert INBOX not in people["mayor"].get("/").content.decode()


# --- What the pages cost ----------------------------------------------------------------------

# Every page starts with five (the Pemda: search path, domain, search path; the user: session,
# account with its employee record). The evaluation page then reads the evaluation with its
# SKP and owner, the RHK, their IKI, the realisations, the evidence, the feedback, the other
# periods' states, the Pemda's period kind and the history: 14 for the owner and the readers;
# the appraiser of a submitted one also reads the value ratings (prefill), the matrix and
# whether the owner heads a unit (the hasil default: access.unit_head_evaluations); the head
# of the OPD's scope reads their own unit.
# The inbox: the waiting list, my SKP and its evaluations, the period kind, and the team.
DETAIL_MOST = {"employee": 14, "kasub": 17, "mayor": 14, "head": 15}
INBOX_MOST = {"employee": 11, "kasub": 11, "mayor": 6}


def _queries(client, url, django_assert_max_num_queries, most):
    client.get(url)  # the first request of a client may warm something up
    with django_assert_max_num_queries(most):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("rhk_count", [1, 12])
def test_the_evaluation_page_costs_the_same_whatever_its_size(
    org, people, django_assert_max_num_queries, rhk_count
):
    from core.performance import evaluation as ev

    with org:
        evaluation = draft(rhk_count=rhk_count)
        fill(evaluation, user(ANALIS))
        for n in range(5):
            ev.evidence_add(evaluation=evaluation, by=user(ANALIS), link=f"https://x.id/{n}")
            ev.feedback_add(skp=evaluation.skp, by=user(KASUB), text=f"Catatan {n}")
        evaluation = ev.evaluation_submit(evaluation=fresh(evaluation), by=user(ANALIS), version=0)
    for persona, most in DETAIL_MOST.items():
        _queries(people[persona], detail(evaluation), django_assert_max_num_queries, most)


@pytest.mark.parametrize("team", [0, 6])
def test_the_inbox_costs_the_same_whatever_the_team(
    org, people, django_assert_max_num_queries, team
):
    from core.org.models import Employee
    from tests.factories import EmployeeFactory

    with org:
        for nip in (ANALIS, "199505052023212006"):
            submitted(nip)
        kasub = Employee.objects.get(nip=KASUB)
        for _n in range(team):
            EmployeeFactory(position=kasub.position, unit=kasub.unit, atasan_override=kasub)
    for persona, most in INBOX_MOST.items():
        _queries(people[persona], f"{INBOX}?tahun=2026", django_assert_max_num_queries, most)


def test_rating_needs_all_values_in_one_post(org, people):
    with org:
        evaluation = submitted()
    data = rate_data(1)
    del data[f"rating_{BerAkhlak.values[0]}"]
    assert people["kasub"].post(f"{detail(evaluation)}nilai/", data).status_code == 400
    with org:
        assert fresh(evaluation).state == "submitted"


def test_a_rated_month_shows_what_it_rated_after_the_skp_is_revised(org, people):
    with org:
        evaluation = rated()
        Rhk.objects.filter(skp=evaluation.skp).update(text="Direvisi untuk bulan berikutnya")
    page = people["employee"].get(detail(evaluation))
    assert [rhk.text for rhk, _rows in page.context["table"]] == ["Laporan kepegawaian 0"]
    assert "Laporan kepegawaian 0" in page.content.decode()
    printed = people["employee"].get(f"/kinerja/evaluasi/{evaluation.pk}/cetak/")
    assert "Laporan kepegawaian 0" in printed.content.decode()
    # Evidence is still added (not removed) by the owner after the rating.
    context = page.context
    assert context["evidence_form"] is not None and not context["evidence_removable"]
    response = people["employee"].post(
        f"/kinerja/evaluasi/{evaluation.pk}/bukti/", {"link": "https://drive.example.id/x"}
    )
    assert response.status_code == 302
    with org:
        assert Evidence.objects.filter(evaluation=evaluation).count() == 1
