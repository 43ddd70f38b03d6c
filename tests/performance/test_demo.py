"""The demo's year of performance data (core.performance.demo): every active employee gets
an SKP with a cascade of RHK and IKI, evaluations of every period begun, a plausible spread
of predikat and OPD periods that keep to, or visibly break, the distribution rules; the same
every run, written once, and the demo accounts each have their part of the story."""

import datetime
import random
from collections import Counter, defaultdict

import pytest

from core.accounts.models import User
from core.demo.services import demo_org_import, demo_pemda_seed, demo_persona_nips
from core.org.models import Employee, Unit
from core.performance import calibration
from core.performance.access import may_finalise_opd
from core.performance.demo import DemoSeedReport, performance_demo_seed
from core.performance.evaluation import evaluation_submit, evaluations_waiting_for
from core.performance.models import (
    BehaviourRating,
    Evaluation,
    Iki,
    Realisation,
    Rhk,
    Skp,
    UnitPeriod,
    UnitPeriodState,
)
from core.performance.rules import (
    DEFAULT_DISTRIBUTION_RULES,
    Approach,
    EvaluationState,
    PerformanceError,
    Predikat,
    distribution_violations,
    leniency,
    perilaku_overall,
    predikat,
)
from core.performance.services import rhk_assign_bulk, skp_content_locked
from tenants.models import Pemda

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 1)  # Surabaya evaluates monthly: Jan–Nov past, Dec current
YEAR = 2026
RATED = (EvaluationState.EVALUATED, EvaluationState.FINAL)


def _seed(year=YEAR, today=TODAY, seed="test") -> DemoSeedReport:
    return performance_demo_seed(
        year=year, rng=random.Random(seed), today=today, personas=demo_persona_nips()
    )


@pytest.fixture
def demo_surabaya(surabaya) -> Pemda:
    """Kota Surabaya (Model Surabaya: monthly, violations block) with the small demo
    organisation and its demo accounts (linked by NIP: the test users "atasan" and
    "pegawai" are the demo's atasan and pegawai1)."""
    demo_org_import(pemda=surabaya, scale="small")
    return surabaya


@pytest.fixture
def seeded(demo_surabaya) -> DemoSeedReport:
    with demo_surabaya:
        return _seed()


def _persona(username: str) -> User:
    """A demo account by its demo username (the test Pemda's accounts differ in name)."""
    return User.objects.get(nip=demo_persona_nips()[username])


def test_every_active_employee_gets_an_skp_with_a_cascade_of_rhk_and_iki(demo_surabaya, seeded):
    with demo_surabaya:
        active = Employee.objects.filter(is_active=True).count()
        assert Skp.objects.filter(year=YEAR).count() == active == seeded.skps > 300
        kinds = defaultdict(Counter)
        for skp_id, kind in Rhk.objects.values_list("skp_id", "kind"):
            kinds[skp_id][kind] += 1
        assert len(kinds) == active
        assert all(2 <= c["utama"] <= 4 and 0 <= c["tambahan"] <= 2 for c in kinds.values())
        per_rhk = Counter(Iki.objects.values_list("rhk_id", flat=True))
        assert set(per_rhk.values()) <= {1, 2, 3} and len(per_rhk) == Rhk.objects.count()
        quantitative = Iki.objects.filter(approach=Approach.KUANTITATIF)
        assert not quantitative.filter(target_value=None).exists()
        assert not quantitative.filter(target_unit="").exists()
        assert Iki.objects.filter(approach=Approach.KUALITATIF).exclude(target_text="").exists()
        # A JPT's RHK carry a perspektif, nobody else's do.
        assert not Rhk.objects.filter(skp__is_jpt=True, perspektif="").exists()
        assert not Rhk.objects.filter(skp__is_jpt=False).exclude(perspektif="").exists()
        # The cascade: each RHK utama supports one of the appraiser's own RHK.
        utama = Rhk.objects.filter(kind="utama").select_related("parent__skp")
        with_parent = [rhk for rhk in utama if rhk.parent_id]
        assert len(with_parent) >= 0.95 * utama.count()
        appraiser = dict(Skp.objects.values_list("pk", "appraiser_id"))
        assert all(rhk.parent.skp.employee_id == appraiser[rhk.skp_id] for rhk in with_parent)
        # The snapshots skp_get_or_create takes.
        pegawai = Employee.objects.select_related("unit", "position").get(
            nip=demo_persona_nips()["pegawai1"]
        )
        skp = Skp.objects.get(employee=pegawai, year=YEAR)
        assert (skp.unit_id, skp.unit_name, skp.position_name, skp.is_jpt) == (
            pegawai.unit_id,
            pegawai.unit.name,
            pegawai.position.name,
            False,
        )
        assert (skp.appraiser_id, skp.appraiser_nip) == (
            pegawai.atasan_id,
            demo_persona_nips()["atasan"],
        )


def test_the_year_is_rated_with_a_plausible_spread_of_predikat(demo_surabaya, seeded):
    with demo_surabaya:
        active = Employee.objects.filter(is_active=True).count()
        by_period = Counter(Evaluation.objects.values_list("period", flat=True))
        # Every month but December is past.
        past_months = dict.fromkeys([f"{YEAR}-{month:02d}" for month in range(1, 12)], active)
        assert by_period == {**past_months, f"{YEAR}-12": active}  # no annual one yet
        past = Evaluation.objects.exclude(period=f"{YEAR}-12")
        assert past.filter(state__in=RATED).count() >= 0.95 * past.count()
        current = Counter(
            Evaluation.objects.filter(period=f"{YEAR}-12").values_list("state", flat=True)
        )
        assert set(current) <= {"draft", "submitted", "returned"}
        assert current["draft"] > 0.3 * active and current["submitted"] > 0.2 * active

        spread = Counter(past.filter(state__in=RATED).values_list("predikat", flat=True))
        total = sum(spread.values())
        share = {value: 100 * spread[value] / total for value in Predikat.values}
        assert 6 <= share["SANGAT_BAIK"] <= 18
        assert 55 <= share["BAIK"] <= 72
        assert 9 <= share["BUTUH_PERBAIKAN"] <= 22
        assert 2 <= share["KURANG"] <= 11
        assert 0.3 <= share["SANGAT_KURANG"] <= 5

        # Ratings through the rules: perilaku is the median of the seven values, the
        # predikat the matrix's.
        behaviours = defaultdict(dict)
        for evaluation_id, value, rating in BehaviourRating.objects.values_list(
            "evaluation_id", "value", "rating"
        ):
            behaviours[evaluation_id][value] = rating
        rated = list(
            past.filter(state__in=RATED).values_list("pk", "hasil", "perilaku", "predikat")
        )
        assert len(behaviours) == len(rated)
        for pk, hasil, perilaku, value in rated:
            assert perilaku_overall(behaviours[pk]) == perilaku
            assert predikat(hasil, perilaku) == value

        # Some appraisers are clearly lenient against the Pemda, some are not.
        pemda = Counter(dict(spread))
        per_appraiser = defaultdict(Counter)
        for appraiser, value in past.filter(state__in=RATED).values_list(
            "appraiser_id", "predikat"
        ):
            per_appraiser[appraiser][value] += 1
        flags = [leniency(counts, pemda).lenient for counts in per_appraiser.values()]
        assert 0 < sum(flags) < 0.5 * len(flags)
        # Everyone rated has realisations; a submitted one has one for every IKI.
        assert not past.filter(state__in=RATED, realisations=None).exists()
        submitted = Evaluation.objects.filter(state="submitted").first()
        assert (
            submitted.realisations.count()
            == Iki.objects.filter(rhk__skp_id=submitted.skp_id).count()
        )


def test_each_opd_period_is_rated_and_finalised_ones_keep_to_the_rules(demo_surabaya, seeded):
    with demo_surabaya:
        opds = Unit.objects.filter(parent=None).count()
        periods = [f"{YEAR}-{month:02d}" for month in range(1, 12)]
        unit_periods = list(UnitPeriod.objects.all())
        assert Counter(row.period for row in unit_periods) == dict.fromkeys(periods, opds)
        assert all(row.org_predikat and row.rated_by_id for row in unit_periods)
        counts = defaultdict(Counter)
        for opd, period, value in Evaluation.objects.filter(state__in=RATED).values_list(
            "opd_id", "period", "predikat"
        ):
            counts[opd, period][value] += 1
        broken = {
            (row.opd_id, row.period): distribution_violations(
                row.org_predikat, counts[row.opd_id, row.period], DEFAULT_DISTRIBUTION_RULES
            )
            for row in unit_periods
        }
        final = [row for row in unit_periods if row.state == UnitPeriodState.FINAL]
        assert len(final) > 0.8 * opds * 10
        # Model Surabaya blocks a broken distribution: no override, nothing finalised broken.
        assert all(not broken[row.opd_id, row.period] for row in final)
        assert not any(row.override_reason for row in unit_periods)
        assert all(row.finalised_by_id and row.finalised_at for row in final)
        # Evaluations are final exactly in the finalised OPD periods.
        final_keys = {(row.opd_id, row.period) for row in final}
        for opd, period, state in Evaluation.objects.filter(state__in=RATED).values_list(
            "opd_id", "period", "state"
        ):
            assert (state == "final") == ((opd, period) in final_keys)
        # The last month is still open in most OPDs, and some of them break the rules.
        open_last = [row for row in unit_periods if row.period == "2026-11" and row.state == "open"]
        assert len(open_last) > opds / 3
        assert 0 < sum(bool(broken[row.opd_id, row.period]) for row in open_last) < len(open_last)


def test_seeding_again_writes_nothing(demo_surabaya, seeded):
    with demo_surabaya:
        before = [
            model.objects.count()
            for model in (Skp, Rhk, Iki, Evaluation, BehaviourRating, Realisation, UnitPeriod)
        ]
        again = _seed(seed="another seed")
        after = [
            model.objects.count()
            for model in (Skp, Rhk, Iki, Evaluation, BehaviourRating, Realisation, UnitPeriod)
        ]
    assert (again.skps, again.evaluations, again.unit_periods) == (0, 0, 0)
    assert after == before


def _digest() -> tuple:
    return (
        sorted(
            Rhk.objects.values_list(
                "skp__employee__nip", "kind", "order", "text", "parent__skp__employee__nip",
                "perspektif",
            )
        ),
        sorted(
            Iki.objects.values_list(
                "rhk__skp__employee__nip", "rhk__order", "order", "text", "target_value",
                "target_unit",
            )
        ),
        sorted(
            Evaluation.objects.values_list(
                "skp__employee__nip", "period", "state", "hasil", "perilaku", "predikat",
                "appraiser_nip",
            )
        ),
        sorted(
            UnitPeriod.objects.values_list("opd__code", "period", "org_predikat", "state")
        ),
    )  # fmt: skip


def test_the_same_seed_gives_the_same_data(demo_surabaya, seeded):
    with demo_surabaya:
        first = _digest()
        UnitPeriod.objects.all().delete()
        Skp.objects.all().delete()
        _seed()
        assert _digest() == first
        UnitPeriod.objects.all().delete()
        Skp.objects.all().delete()
        _seed(seed="another seed")
        assert _digest() != first


def test_the_demo_accounts_each_have_their_part_of_the_story(demo_surabaya, seeded):
    """The atasan pushes an RHK down to pegawai1–3, pegawai1 has a draft to submit,
    pegawai2 waits for the atasan, and the head of BKPSDMD has a month ready to finalise
    that a distribution rule stops."""
    with demo_surabaya:
        pegawai1, pegawai2, pegawai3, atasan, head = (
            _persona(name)
            for name in ("pegawai1", "pegawai2", "pegawai3", "atasan", "kepala.bkpsdmd")
        )
        current = f"{YEAR}-12"
        draft = Evaluation.objects.get(skp__employee__user=pegawai1, period=current)
        assert draft.state == EvaluationState.DRAFT
        assert draft.realisations.count() == Iki.objects.filter(rhk__skp=draft.skp).count() > 0
        waiting = Evaluation.objects.get(skp__employee__user=pegawai2, period=current)
        assert waiting.state == EvaluationState.SUBMITTED
        assert waiting.appraiser.user == atasan
        returned = Evaluation.objects.get(skp__employee__user=pegawai3, period=current)
        assert returned.state == EvaluationState.RETURNED and returned.return_note
        assert waiting in evaluations_waiting_for(atasan, today=TODAY)
        assert draft in evaluations_waiting_for(pegawai1, today=TODAY)
        # The atasan pushes one of their RHK down to the three in one step: their past
        # months are rated, but the year is not, so their SKP are open to revision, except
        # pegawai2's, which waits for the atasan (skipped).
        staff = [pegawai1.employee, pegawai2.employee, pegawai3.employee]
        assert not any(skp_content_locked(Skp.objects.get(employee=e, year=YEAR)) for e in staff)
        assert Evaluation.objects.filter(skp__employee=pegawai1.employee, state="final").exists()
        source = Rhk.objects.get(skp__employee__user=atasan, children=None, kind="utama")
        made = rhk_assign_bulk(by=atasan, year=YEAR, employees=staff, source=source)
        assert {rhk.skp.employee_id for rhk in made} == {pegawai1.employee.pk, pegawai3.employee.pk}
        assert all(rhk.parent_id == source.pk for rhk in made)
        # pegawai1 submits the draft as it is (the new RHK's IKI filled in first).
        for iki in Iki.objects.filter(rhk__in=made, rhk__skp__employee=pegawai1.employee):
            Realisation.objects.create(evaluation=draft, iki=iki, value=1, text="Selesai")
        evaluation_submit(evaluation=draft, by=pegawai1, version=draft.version)
        assert Evaluation.objects.get(pk=draft.pk).state == EvaluationState.SUBMITTED

        opd = head.employee.unit.opd
        assert may_finalise_opd(head, opd)
        state = calibration.opd_calibration(opd=opd, period="2026-11")
        assert state.org_predikat == "BAIK" and not state.is_final
        assert state.ready and state.violations
        with pytest.raises(PerformanceError):
            calibration.opd_finalise(
                opd=opd, period="2026-11", by=head, version=state.unit_period.version
            )
        # Its earlier months are final, within the rules.
        assert UnitPeriod.objects.filter(opd=opd, period="2026-10").get().state == "final"


def test_the_demo_seed_adds_a_year_once_and_override_pemda_finalise_some_broken_ones(settings):
    """Through the demo's own seeding (Sigi: Model Jawa Barat, quarterly, overrides allowed);
    a past year also gets its annual evaluation."""
    settings.DEMO_MODE = True
    demo_pemda_seed(password="demo-12345", only="sigi")
    sigi = Pemda.objects.get(slug="sigi")
    with sigi:
        active = Employee.objects.filter(is_active=True).count()
        this_year = Skp.objects.get(employee__nip=demo_persona_nips()["pegawai1"]).year
        assert Skp.objects.filter(year=this_year).count() == active
        evaluations = Evaluation.objects.count()
        assert evaluations >= active
    demo_pemda_seed(password="demo-12345", only="sigi")  # again: nothing new
    with sigi:
        assert Evaluation.objects.count() == evaluations

        report = _seed(year=2025)
        assert report.skps == active
        periods = Counter(
            Evaluation.objects.filter(skp__year=2025).values_list("period", flat=True)
        )
        assert periods == dict.fromkeys(
            ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2025"], active
        )
        overridden = UnitPeriod.objects.filter(period__startswith="2025").exclude(
            override_reason=""
        )
        assert overridden.exists()
        assert all(row.state == "final" and row.violations for row in overridden)
        assert all(row.violations[0]["message"] for row in overridden)
