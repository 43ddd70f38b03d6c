"""The printable SKP and evaluation documents: what they show, who may print them, and a
constant number of queries whatever the size of the SKP."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.org.models import Employee
from core.performance.models import (
    BehaviourRating,
    Evaluation,
    Evidence,
    Feedback,
    Iki,
    Realisation,
    Rhk,
    Skp,
    UnitPeriod,
)
from core.performance.rules import BerAkhlak, EvaluationState
from core.performance.services import evaluation_get_or_create, skp_get_or_create
from tests.conftest import JAMBI_PASSWORD, login
from tests.personas import ANALIS, KABAN, KASUB, PPPK, SEKDA

pytestmark = pytest.mark.django_db

YEAR = 2026
PERIOD = "2026-03"  # the Surabaya template evaluates monthly
IN_THE_PERIOD = timezone.make_aware(datetime.datetime(2026, 3, 20, 10))


# --- Data (rows written directly, as factories do; the services are tested elsewhere) -------


def skp_of(nip: str, year: int = YEAR) -> Skp:
    return skp_get_or_create(employee=Employee.objects.get(nip=nip), year=year)


def rhk_add(skp, text, *, kind="utama", parent=None, iki=1, perspektif="") -> Rhk:
    rhk = Rhk.objects.create(skp=skp, kind=kind, text=text, parent=parent, perspektif=perspektif)
    for n in range(iki):
        Iki.objects.create(
            rhk=rhk,
            text=f"Jumlah dokumen {text} ({n + 1})",
            aspect="kuantitas",
            approach="kuantitatif",
            target_value=Decimal(12),
            target_unit="Dokumen",
            order=n,
        )
    return rhk


def analis_skp(rhks: int = 1, iki: int = 1) -> Skp:
    """The analyst's SKP of 2026: RHK supporting their atasan's, with IKI."""
    leader_rhk = rhk_add(skp_of(KASUB), "Terlaksananya pengembangan kompetensi ASN")
    skp = skp_of(ANALIS)
    for n in range(rhks):
        rhk_add(skp, f"Tersusunnya analisis jabatan {n + 1}", parent=leader_rhk, iki=iki)
    rhk_add(skp, "Menjadi narasumber diklat", kind="tambahan", iki=0)
    return skp


def rated(skp, period=PERIOD) -> Evaluation:
    """The SKP's evaluation of ``period``, rated SESUAI / DI_ATAS → BAIK, with realisations,
    feedback, evidence and the OPD's organisation predikat."""
    evaluation = evaluation_get_or_create(skp=skp, period=period)
    for value in BerAkhlak.values:
        BehaviourRating.objects.create(
            evaluation=evaluation,
            value=value,
            rating="DI_ATAS",
            expectation="Tepat waktu" if value == BerAkhlak.AKUNTABEL else "",
        )
    iki = Iki.objects.filter(rhk__skp=skp).first()
    Realisation.objects.create(evaluation=evaluation, iki=iki, value=Decimal("10.50"))
    given = [
        Feedback.objects.create(
            skp=skp, rhk=iki.rhk, text="Pertahankan kualitas analisis", author_name="Dewi Lestari"
        ),
        Feedback.objects.create(skp=skp, text="Aktif dalam rapat koordinasi", author_name="Dewi"),
    ]
    Feedback.objects.filter(pk__in=[f.pk for f in given]).update(created_at=IN_THE_PERIOD)
    Evidence.objects.create(evaluation=evaluation, rhk=iki.rhk, link="https://drive.example/a")
    UnitPeriod.objects.update_or_create(
        opd=evaluation.opd, period=period, defaults={"org_predikat": "BAIK"}
    )
    Evaluation.objects.filter(pk=evaluation.pk).update(
        state=EvaluationState.EVALUATED,
        hasil="SESUAI",
        perilaku="DI_ATAS",
        predikat="BAIK",
        appraiser_note="Tingkatkan kolaborasi lintas bidang.",
        evaluated_at=timezone.make_aware(datetime.datetime(2026, 4, 6, 9)),
    )
    evaluation.refresh_from_db()
    return evaluation


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def skp_url(skp) -> str:
    return f"/kinerja/skp/{skp.pk}/cetak/"


def evaluation_url(evaluation) -> str:
    return f"/kinerja/evaluasi/{evaluation.pk}/cetak/"


# --- The SKP --------------------------------------------------------------------------------


def test_the_skp_shows_the_official_form_with_both_identities_and_the_cascade(org, people):
    with org:
        skp = analis_skp()
    response = people["employee"].get(skp_url(skp))
    assert response.status_code == 200
    page = text_of(response)
    for expected in (
        "PEMERINTAH KOTA SURABAYA",
        "Rudi Hartono",  # the employee
        ANALIS,
        "Penata Muda (III/a)",
        "Analis SDM Aparatur",
        "Subbidang Diklat, Badan Kepegawaian dan Pengembangan SDM Daerah",
        "Dewi Lestari",  # the appraiser, from the SKP's snapshot
        KASUB,
        "Penata Tingkat I (III/d)",
        "Kepala Subbidang",
        "Terlaksananya pengembangan kompetensi ASN",  # the leader's RHK it supports
        "Tersusunnya analisis jabatan 1",
        "Jumlah dokumen Tersusunnya analisis jabatan 1 (1)",
        "12 Dokumen",
        "Menjadi narasumber diklat",  # tambahan, without an indicator yet
        "Surabaya, ",  # where it is signed
    ):
        assert expected in page, expected
    for label in BerAkhlak.labels:
        assert str(label) in page
    assert "Ramah, cekatan, solutif, dan dapat diandalkan" in page  # the behaviour guide


def test_the_skp_prints_on_a_4_without_navigation_inline_style_or_script(org, people):
    with org:
        skp = analis_skp()
    html = people["employee"].get(skp_url(skp)).content.decode()
    assert "/static/css/performance-print.css" in html
    assert 'class="navbar' not in html  # not the application's shell
    assert "style=" not in html and "<style" not in html
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []
    assert 'class="no-print toolbar"' in html


def test_the_skp_shows_the_latest_ekspektasi_khusus_pimpinan(org, people):
    with org:
        skp = analis_skp()
        rated(skp)
    assert "Tepat waktu" in text_of(people["employee"].get(skp_url(skp)))


def test_a_jpt_skp_shows_the_perspektif_of_each_rhk(org, people):
    with org:
        skp = skp_of(KABAN)
        assert skp.is_jpt
        rhk_add(skp, "Meningkatnya indeks sistem merit", perspektif="penerima_layanan")
    page = text_of(people["head"].get(skp_url(skp)))
    assert "Penerima Layanan" in page
    assert "Meningkatnya indeks sistem merit" in page


def test_an_skp_without_an_appraiser_prints_blanks_to_fill_in(org, people):
    with org:
        skp = skp_of(SEKDA)  # the Sekda's appraiser is the mayor, who has no employee record
        evaluation = evaluation_get_or_create(skp=skp, period="2026")  # the annual one
    for url in (skp_url(skp), evaluation_url(evaluation)):
        response = people["sekda"].get(url)
        assert response.status_code == 200
        assert "Budi Santoso" in text_of(response)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("employee", 200),  # their own
        ("kasub", 200),  # their appraiser
        ("kabid", 404),  # an atasan reaches only their own appraisees
        ("head", 200),  # the head of the OPD
        ("head_dinkes", 404),  # the head of another OPD
        ("sekda", 200),  # leaders read the whole Pemda
        ("mayor", 200),
        ("admin", 200),
    ],
)
def test_whoever_may_see_the_skp_may_print_it_and_nobody_else(org, people, persona, status):
    with org:
        skp = analis_skp()
        evaluation = rated(skp)
    assert people[persona].get(skp_url(skp)).status_code == status
    assert people[persona].get(evaluation_url(evaluation)).status_code == status


def test_an_employee_cannot_print_a_peers_skp(org, people):
    with org:
        peer = skp_of(PPPK)
        evaluation = evaluation_get_or_create(skp=peer, period=PERIOD)
    assert people["employee"].get(skp_url(peer)).status_code == 404
    assert people["employee"].get(evaluation_url(evaluation)).status_code == 404


def test_the_documents_need_a_login(org, people):
    with org:
        skp = analis_skp()
        evaluation = rated(skp)
    for url in (skp_url(skp), evaluation_url(evaluation)):
        response = people["anonymous"].get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_another_pemdas_ids_resolve_nowhere(org, jambi, jambi_client):
    with org:
        skp = analis_skp()
        evaluation = rated(skp)
    assert login(jambi_client, "pegawai", JAMBI_PASSWORD).status_code == 302
    assert jambi_client.get(skp_url(skp)).status_code == 404
    assert jambi_client.get(evaluation_url(evaluation)).status_code == 404
    with jambi:
        assert not Skp.objects.filter(pk=skp.pk).exists()


def test_the_documents_are_read_only_pages(org, people):
    with org:
        skp = analis_skp()
    assert people["employee"].post(skp_url(skp)).status_code == 405


def test_an_unknown_document_is_not_found(org, people):
    assert people["admin"].get("/kinerja/skp/999999/cetak/").status_code == 404
    assert people["admin"].get("/kinerja/evaluasi/999999/cetak/").status_code == 404


# --- The evaluation document ----------------------------------------------------------------


def test_the_evaluation_shows_ratings_predikat_realisation_feedback_and_signatories(org, people):
    with org:
        evaluation = rated(analis_skp())
    response = people["kasub"].get(evaluation_url(evaluation))
    assert response.status_code == 200
    page = text_of(response)
    for expected in (
        "PEMERINTAH KOTA SURABAYA",
        "Rudi Hartono",
        "Dewi Lestari",  # the appraiser of the period
        "Agus Salim",  # the appraiser's own atasan
        "Baik",  # the organisation's predikat and the employee's
        "10.5 Dokumen",  # realisasi
        "12 Dokumen",  # target
        "Pertahankan kualitas analisis",  # umpan balik on the RHK
        "Aktif dalam rapat koordinasi",  # general umpan balik
        "https://drive.example/a",  # bukti dukung
        "Tingkatkan kolaborasi lintas bidang.",
        "Tepat waktu",
        "Surabaya, 6 April 2026",  # signed on the day it was rated
        "1 Maret",
        "31 Maret 2026",
    ):
        assert expected in page, expected
    with org:
        labels = [str(r.get_rating_display()) for r in evaluation.behaviours.all()]
    assert page.count(labels[0]) >= 7  # each behaviour's rating
    assert "draft-mark" not in page


def test_an_evaluation_not_yet_rated_prints_as_a_draft(org, people):
    with org:
        evaluation = evaluation_get_or_create(skp=analis_skp(), period=PERIOD)
    response = people["employee"].get(evaluation_url(evaluation))
    assert response.status_code == 200
    assert "draft-mark" in response.content.decode()


def test_feedback_of_another_period_is_not_on_the_evaluation(org, people):
    with org:
        skp = analis_skp()
        evaluation = rated(skp)
        late = Feedback.objects.create(skp=skp, text="Umpan balik triwulan tiga")
        Feedback.objects.filter(pk=late.pk).update(
            created_at=timezone.make_aware(datetime.datetime(2026, 8, 1))
        )
    assert "Umpan balik triwulan tiga" not in text_of(
        people["employee"].get(evaluation_url(evaluation))
    )


# --- Queries --------------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_documents_read_a_constant_number_of_queries(org, people):
    with org:
        small = analis_skp(rhks=1, iki=1)
        small_evaluation = rated(small)
    few = (_queries(people["kasub"], skp_url(small)), _queries(
        people["kasub"], evaluation_url(small_evaluation)
    ))  # fmt: skip
    with org:
        big = skp_of(PPPK)
        leader_rhk = Rhk.objects.filter(skp__employee__nip=KASUB).first()
        for n in range(12):
            rhk_add(big, f"RHK {n}", parent=leader_rhk, iki=3)
        big_evaluation = rated(big)
        for iki in Iki.objects.filter(rhk__skp=big):
            Realisation.objects.get_or_create(
                evaluation=big_evaluation, iki=iki, defaults={"value": 3}
            )
            Feedback.objects.create(skp=big, rhk=iki.rhk, text="ok")
        Feedback.objects.filter(skp=big).update(created_at=IN_THE_PERIOD)
    many = (_queries(people["kasub"], skp_url(big)), _queries(
        people["kasub"], evaluation_url(big_evaluation)
    ))  # fmt: skip
    assert many == few
    assert max(many) <= 20


# --- Links to the documents -----------------------------------------------------------------


def test_the_skp_and_evaluation_pages_link_to_their_print(org, people):
    with org:
        skp = analis_skp()
        evaluation = rated(skp)
    for page in (f"/kinerja/skp/{skp.pk}/", f"/kinerja/skp/?tahun={YEAR}"):
        response = people["employee"].get(page)
        assert response.status_code == 200, page
        assert f'href="{skp_url(skp)}"' in response.content.decode(), page
    response = people["kasub"].get(f"/kinerja/evaluasi/{evaluation.pk}/")
    assert response.status_code == 200
    assert f'href="{evaluation_url(evaluation)}"' in response.content.decode()
    # A reader (not the owner nor the appraiser) gets the link as well: printing only reads.
    assert (
        f'href="{skp_url(skp)}"' in people["mayor"].get(f"/kinerja/skp/{skp.pk}/").content.decode()
    )


def test_no_print_link_before_there_is_an_skp(org, people):
    html = people["employee"].get(f"/kinerja/skp/?tahun={YEAR}").content.decode()
    assert "/cetak/" not in html
