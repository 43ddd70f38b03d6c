"""The organisation predikat, the calibration of an OPD's predikat against it, finalising,
and the overview (core/performance/calibration.py): who may do what, the distribution rules
with the Pemda's own table, rounding and policy, and constant query counts.

The personas' OPD BKPSDMD has five people: its head (Kaban, appraised by the Sekda), the
Kabid, the Kasubbid and two analysts (appraised by the Kasubbid)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.accounts.models import User
from core.audit.models import AuditEvent
from core.config.models import PolicySetting, RuleTable
from core.org.models import Employee, Unit
from core.org.tree import org_refresh_all
from core.performance import calibration
from core.performance.audit import ORG_PREDIKAT_SET, UNIT_FINALISE, UNIT_OVERRIDE
from core.performance.calibration import (
    opd_calibration,
    opd_finalise,
    org_predikat_set,
    performance_overview,
)
from core.performance.models import Evaluation, UnitPeriod
from core.performance.rules import OrgPredikat, PerformanceError
from core.performance.services import evaluation_get_or_create, skp_get_or_create
from tests.factories import EmployeeFactory, PositionFactory
from tests.personas import ANALIS, KABAN, KABID, KADINKES, KASUB, PPPK, SEKDA, STAF_DINKES

pytestmark = pytest.mark.django_db

YEAR = datetime.date.today().year  # the home card looks at this year and the last
PERIOD, MAY, APRIL = f"{YEAR}-06", f"{YEAR}-05", f"{YEAR}-04"  # Model Surabaya: monthly
BKPSDMD_PEOPLE = [KABAN, KABID, KASUB, ANALIS, PPPK]
SB, B, BP, K, SK = "SANGAT_BAIK", "BAIK", "BUTUH_PERBAIKAN", "KURANG", "SANGAT_KURANG"
RATED = ("evaluated", "final")


# --- Helpers (test_calibration_pages.py uses them too) ----------------------------------------


def user(who: str) -> User:
    """A persona's account: by NIP, or "admin" / "pimpinan" (the mayor)."""
    return User.objects.get(nip=who) if who.isdigit() else User.objects.get(username=who)


def opd(code: str) -> Unit:
    return Unit.objects.get(code=code)


def evaluation(nip: str, predikat: str = "", *, state="evaluated", period=PERIOD) -> Evaluation:
    """The employee's evaluation of ``period`` through the services, then rated by hand
    (the rating itself is tested with the evaluation workflow)."""
    employee = Employee.objects.get(nip=nip)
    skp = skp_get_or_create(employee=employee, year=int(period[:4]))
    found = evaluation_get_or_create(skp=skp, period=period)
    Evaluation.objects.filter(pk=found.pk).update(
        state=state, predikat=predikat if state in RATED else ""
    )
    found.refresh_from_db()
    return found


def rate_all(ratings: dict[str, str], **kwargs) -> None:
    for nip, predikat in ratings.items():
        evaluation(nip, predikat, **kwargs)


def staff(n: int, unit_code: str = "BKPSDMD.1.1") -> list[str]:
    """``n`` more staff in the unit (appraised by its head): their NIPs."""
    unit = opd(unit_code)
    position = PositionFactory(unit=unit)
    nips = [EmployeeFactory(position=position, unit=unit).nip for _ in range(n)]
    org_refresh_all()
    return nips


def policy(value: str) -> None:
    PolicySetting.objects.update_or_create(
        key="distribution.violation_policy", defaults={"value": value}
    )


def org_set(code: str = "BKPSDMD", value=B, by="pimpinan", period=PERIOD) -> UnitPeriod:
    return org_predikat_set(opd=opd(code), period=period, by=user(by), org_predikat=value)


def unit_period(code: str = "BKPSDMD", period=PERIOD) -> UnitPeriod | None:
    return UnitPeriod.objects.filter(opd__code=code, period=period).first()


def states(nips) -> set[str]:
    return set(
        Evaluation.objects.filter(skp__employee__nip__in=nips).values_list("state", flat=True)
    )


GOOD = {KABAN: SB, KABID: B, KASUB: B, ANALIS: BP, PPPK: B}  # allowed under Baik (3 of 5)
TOO_GOOD = {KABAN: B, KABID: B, KASUB: B, ANALIS: B, PPPK: B}  # 5 Baik, none low


# --- Organisation predikat --------------------------------------------------------------------


@pytest.mark.parametrize("who", ["pimpinan", SEKDA])
def test_a_leader_sets_the_organisation_predikat_and_it_is_audited(org, who):
    with org:
        result = org_set(value="ISTIMEWA", by=who)

        assert (result.org_predikat, result.state, result.version) == ("ISTIMEWA", "open", 1)
        assert result.rated_by == user(who) and result.rated_at is not None
        event = AuditEvent.objects.get(action=ORG_PREDIKAT_SET)
        assert (event.before, event.after) == ({"org_predikat": ""}, {"org_predikat": "ISTIMEWA"})
        assert "Badan Kepegawaian" in event.object_repr and PERIOD in event.object_repr


def test_changing_the_organisation_predikat_keeps_the_old_value_in_the_trail(org):
    with org:
        org_set(value=B)
        result = org_set(value=OrgPredikat.KURANG)  # an enum works as well as a string

        assert (result.org_predikat, result.version) == ("KURANG", 2)
        event = AuditEvent.objects.filter(action=ORG_PREDIKAT_SET).first()
        assert (event.before, event.after) == ({"org_predikat": B}, {"org_predikat": K})


def test_setting_the_same_predikat_again_changes_nothing(org):
    with org:
        org_set(value=B)
        again = org_set(value=B)

        assert again.version == 1
        assert AuditEvent.objects.filter(action=ORG_PREDIKAT_SET).count() == 1


@pytest.mark.parametrize("who", ["admin", KABAN, KABID, KASUB, ANALIS, KADINKES])
def test_nobody_but_the_leader_one_level_up_sets_the_organisation_predikat(org, who):
    with org:
        with pytest.raises(PermissionDenied):
            org_set(by=who)

        assert unit_period() is None
        assert not AuditEvent.objects.filter(action=ORG_PREDIKAT_SET).exists()


def test_whoever_appraises_the_head_of_an_opd_sets_its_predikat(org):
    with org:
        Employee.objects.filter(nip=KADINKES).update(
            atasan_override=Employee.objects.get(nip=KABID)
        )

        assert org_set("DINKES", value=BP, by=KABID).org_predikat == BP
        with pytest.raises(PermissionDenied):
            org_set("BKPSDMD", by=KABID)
        assert set(calibration.opds_for(user(KABID)).values_list("code", flat=True)) == {"DINKES"}


@pytest.mark.parametrize("bad", ["istimewa", "SANGAT_BAIK", "", "EXCELLENT", None])
def test_an_organisation_predikat_outside_the_choices_is_refused(org, bad):
    with org:
        with pytest.raises(PerformanceError):
            org_set(value=bad)

        assert unit_period() is None


@pytest.mark.parametrize("bad", ["2026-Q2", "2026-13", "junk", "", "2026-06; DROP", "1899-01"])
def test_a_period_that_is_not_one_of_the_pemda_is_refused(org, bad):
    with org:
        with pytest.raises(PerformanceError):
            org_set(period=bad)

        assert not UnitPeriod.objects.exists()


def test_only_an_opd_has_an_organisation_predikat(org):
    with org:
        with pytest.raises(PerformanceError):
            org_set("BKPSDMD.1")


def test_the_organisation_predikat_of_a_final_period_cannot_change(org):
    with org:
        rate_all(GOOD)
        org_set(value=B)
        opd_finalise(opd=opd("BKPSDMD"), period=PERIOD, by=user(KABAN), version=1)

        with pytest.raises(PerformanceError, match="final"):
            org_set(value=OrgPredikat.ISTIMEWA)

        assert unit_period().org_predikat == B


# --- Calibration ------------------------------------------------------------------------------


def test_the_calibration_counts_the_rated_predikat_and_the_rest_by_state(org):
    with org:
        rate_all({KABAN: SB, KABID: B, KASUB: B})
        evaluation(ANALIS, state="submitted")
        evaluation(PPPK, state="draft")
        org_set(value=B)

        result = opd_calibration(opd=opd("BKPSDMD"), period=PERIOD)

    assert result.counts == {SB: 1, B: 2, BP: 0, K: 0, SK: 0}
    assert (result.rated, result.pending) == (3, 2)
    assert result.by_state == {"evaluated": 3, "submitted": 1, "draft": 1}
    assert [p.nip for p in result.pending_people] == [PPPK, ANALIS]  # Ayu, Rudi
    assert result.org_predikat == B and not result.ready
    assert result.without_evaluation == 0


def test_every_violation_is_spelled_out_with_its_numbers(org, english):
    with org:
        rate_all(TOO_GOOD)
        org_set(value=B)

        result = opd_calibration(opd=opd("BKPSDMD"), period=PERIOD)

    too_many, missing = result.violations
    assert (too_many.rule, too_many.bound, too_many.actual, too_many.excess) == ("at_most", 4, 5, 1)
    assert (missing.rule, missing.bound, missing.actual, missing.shortfall) == ("at_least", 1, 0, 1)
    assert too_many.message == "Baik: at most 70 % (4 of 5 people); there are 5, 1 too many."
    assert [c.ok for c in result.checks] == [False, False]
    assert result.ready  # ready to try: the policy decides


def test_the_checks_list_the_rules_kept_as_well(org):
    with org:
        rate_all(GOOD)
        org_set(value=B)

        result = opd_calibration(opd=opd("BKPSDMD"), period=PERIOD)

    assert result.violations == []
    assert [(c.rule, c.predikat, c.bound, c.actual, c.ok) for c in result.checks] == [
        ("at_most", (B,), 4, 3, True),
        ("at_least", (BP, K), 1, 1, True),
    ]


def test_without_an_organisation_predikat_nothing_is_checked_yet(org):
    with org:
        rate_all(TOO_GOOD)

        result = opd_calibration(opd=opd("BKPSDMD"), period=PERIOD)

    assert (result.org_predikat, result.checks, result.violations) == ("", [], [])
    assert not result.ready


def test_the_pemdas_own_rule_table_and_rounding_are_used(org):
    with org:
        rate_all({KABAN: SB, KABID: SB, KASUB: B})
        org_set(value="ISTIMEWA")
        assert opd_calibration(opd=opd("BKPSDMD"), period=PERIOD).violations == []  # 2 of 3

        PolicySetting.objects.update_or_create(
            key="distribution.rounding", defaults={"value": "down"}
        )
        table = {"ISTIMEWA": [{"predikat": [SB], "at_most_percent": 50}]}
        RuleTable.objects.create(name="distribution_rules", version=99, data=table)
        (violation,) = opd_calibration(opd=opd("BKPSDMD"), period=PERIOD).violations

    assert (violation.percent, violation.bound, violation.actual) == (50, 1, 2)  # 1.5 → 1


@pytest.mark.parametrize(
    "data",
    [
        ["not", "a", "mapping"],
        {"BAIK": "at most 70"},
        {"BAIK": [{"predikat": "BAIK", "at_most_percent": 70}]},
        {"BAIK": [{"predikat": ["EXCELLENT"], "at_most_percent": 70}]},
        {"BAIK": [{"predikat": ["BAIK"], "at_most_percent": "seventy"}]},
    ],
)
def test_a_rule_table_the_rules_cannot_read_falls_back_to_the_national_rules(org, data):
    with org:
        RuleTable.objects.create(name="distribution_rules", version=99, data=data)
        rate_all(TOO_GOOD)
        org_set(value=B)

        result = opd_calibration(opd=opd("BKPSDMD"), period=PERIOD)

    assert [(v.rule, v.bound, v.actual) for v in result.violations] == [
        ("at_most", 4, 5),
        ("at_least", 1, 0),
    ]


def test_a_bad_stored_rounding_falls_back_to_halves_up(org):
    with org:
        PolicySetting.objects.update_or_create(
            key="distribution.rounding", defaults={"value": "banker"}
        )
        assert calibration.distribution_rounding() == "half_up"


def test_the_calibration_counts_only_the_opd_and_the_period(org):
    with org:
        rate_all({KABAN: B, ANALIS: B})
        rate_all({KABAN: SK, ANALIS: SK, KABID: SK}, period=MAY)
        rate_all({KADINKES: SB, STAF_DINKES: SB})

        result = opd_calibration(opd=opd("BKPSDMD"), period=PERIOD)

    assert result.counts[B] == 2 and result.rated == 2
    assert result.without_evaluation == 3  # Kabid, Kasubbid, PPPK have none for June
    assert result.pemda == {SB: 2, B: 2, BP: 0, K: 0, SK: 0}


def test_each_appraiser_is_compared_with_the_unit_and_the_pemda(org):
    with org:
        extra = staff(3)  # five people appraised by the Kasubbid
        rate_all({ANALIS: SB, PPPK: SB, **dict.fromkeys(extra, SB)})
        rate_all({KABAN: B, KABID: BP, KASUB: B})
        rate_all({KADINKES: B, STAF_DINKES: B})

        result = opd_calibration(opd=opd("BKPSDMD"), period=PERIOD)

    rows = {row.nip: row for row in result.appraisers}
    kasub = rows[KASUB]
    assert (kasub.rated, kasub.counts[SB], kasub.leniency.mean) == (5, 5, 5)
    assert kasub.leniency.lenient and not kasub.leniency.severe
    assert str(kasub.leniency.gap_to_pemda) == "0.60"  # 5.00 against 4.40 (10 rated)
    assert str(kasub.gap_to_unit) == "0.50"  # 5.00 against 4.50 (8 rated)
    assert not rows[KABAN].leniency.lenient  # one person says nothing
    assert result.appraisers[0].nip == KASUB  # the most generous first
    assert (str(result.unit_mean), str(result.pemda_mean)) == ("4.50", "4.40")


def test_the_calibration_runs_the_same_queries_for_a_larger_opd(org):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            opd_calibration(opd=opd("BKPSDMD"), period=PERIOD)
        return len(captured)

    with org:
        org_set(value=B)
        rate_all(GOOD)
        few = queries()
        extra = staff(25)
        rate_all(dict.fromkeys(extra[:20], B))
        rate_all(dict.fromkeys(extra[20:], SB), state="submitted")

        assert queries() == few <= 11


# --- Finalising -------------------------------------------------------------------------------


def finalise(by=KABAN, version=1, reason="", code="BKPSDMD"):
    return opd_finalise(
        opd=opd(code), period=PERIOD, by=user(by), version=version, override_reason=reason
    )


def test_the_head_of_the_opd_finalises_a_clean_distribution(org):
    with org:
        rate_all(GOOD)
        evaluation(KADINKES, B)  # another OPD: untouched
        evaluation(ANALIS, B, period=MAY)  # another period: untouched
        org_set(value=B)

        result = finalise()

        assert (result.state, result.version, result.override_reason) == ("final", 2, "")
        assert result.finalised_by == user(KABAN) and result.finalised_at
        june = Evaluation.objects.filter(opd__code="BKPSDMD", period=PERIOD)
        assert set(june.values_list("state", flat=True)) == {"final"}
        assert all(e.finalised_at and e.version == 1 for e in june)
        assert states([KADINKES]) == {"evaluated"}
        assert Evaluation.objects.get(period=MAY).state == "evaluated"
        event = AuditEvent.objects.get(action=UNIT_FINALISE)
        assert event.after["evaluations_final"] == 5 and event.after["org_predikat"] == B
        assert not AuditEvent.objects.filter(action=UNIT_OVERRIDE).exists()


@pytest.mark.parametrize("who", ["admin", "pimpinan", SEKDA, KABID, KASUB, ANALIS, KADINKES])
def test_nobody_but_the_head_of_the_opd_finalises_it(org, who):
    with org:
        rate_all(GOOD)
        org_set(value=B)

        with pytest.raises(PermissionDenied):
            finalise(by=who)

        assert unit_period().state == "open"
        assert states(GOOD) == {"evaluated"}


def test_a_period_without_an_organisation_predikat_is_not_finalised(org, english):
    with org:
        rate_all(GOOD)

        with pytest.raises(PerformanceError, match="organisation predikat"):
            finalise(version=0)

        assert states(GOOD) == {"evaluated"}


def test_evaluations_still_to_rate_stop_the_finalising_and_are_named(org, english):
    with org:
        rate_all({KABAN: SB, KABID: B, KASUB: B, ANALIS: BP})
        evaluation(PPPK, state="submitted")
        org_set(value=B)

        with pytest.raises(PerformanceError, match="not rated yet.*Ayu Kusuma"):
            finalise()

        assert unit_period().state == "open"
        assert states(GOOD) == {"evaluated", "submitted"}


def test_a_long_list_of_people_to_rate_is_cut_with_a_count(org, english):
    with org:
        rate_all(GOOD)
        extra = staff(12)
        rate_all(dict.fromkeys(extra, ""), state="returned")
        org_set(value=B)

        with pytest.raises(PerformanceError, match="and 2 more"):
            finalise()


def test_a_period_with_nobody_rated_is_not_finalised(org, english):
    with org:
        org_set(value=B)

        with pytest.raises(PerformanceError, match="have no evaluation of this period"):
            finalise()


def test_staff_without_an_evaluation_stop_the_finalising_unless_the_head_confirms(org, english):
    """Found in review: one rated out of five was enough to finalise, and the other four
    could then never be rated. Now the head is told who is missing, and finalises without
    them only by confirming it; the trail records who they were."""
    from core.audit.models import AuditEvent
    from core.performance.audit import UNIT_FINALISE
    from core.performance.calibration import opd_calibration

    with org:
        rate_all({nip: p for nip, p in GOOD.items() if nip != PPPK})
        org_set(value=B)
        page = opd_calibration(opd=opd("BKPSDMD"), period=PERIOD)
        assert page.without_evaluation == 1
        with pytest.raises(PerformanceError, match="have no evaluation of this period"):
            finalise()
        assert unit_period().state == "open"
        done = opd_finalise(
            opd=opd("BKPSDMD"),
            period=PERIOD,
            by=user(KABAN),
            version=unit_period().version,
            without_evaluation_confirmed=True,
        )
        assert done.state == "final"
        event = AuditEvent.objects.filter(action=UNIT_FINALISE).latest("pk")
        assert event.after["without_evaluation"] == [PPPK]


def test_the_block_policy_refuses_a_broken_distribution_and_lists_it(org, english):
    with org:
        policy("block")
        rate_all(TOO_GOOD)
        org_set(value=B)

        with pytest.raises(PerformanceError) as refused:
            finalise(reason="Kebijakan pimpinan daerah tahun ini")

        message = str(refused.value)
        assert "at most 70 % (4 of 5 people); there are 5, 1 too many" in message
        assert "at least 1; there are 0, 1 missing" in message
        assert unit_period().state == "open"
        assert states(TOO_GOOD) == {"evaluated"}
        assert not AuditEvent.objects.filter(action__in=[UNIT_FINALISE, UNIT_OVERRIDE]).exists()


@pytest.mark.parametrize("reason", ["", "   ", "terlalu "])
def test_an_override_needs_a_reason_of_ten_characters(org, reason):
    with org:
        policy("override")
        rate_all(TOO_GOOD)
        org_set(value=B)

        with pytest.raises(PerformanceError, match="10"):
            finalise(reason=reason)

        assert unit_period().state == "open"
        assert states(TOO_GOOD) == {"evaluated"}


@pytest.mark.parametrize("value", ["override", "override_with_audit"])
def test_an_override_with_a_reason_finalises_and_keeps_what_was_broken(org, value):
    with org:
        policy(value)
        rate_all(TOO_GOOD)
        org_set(value=B)

        result = finalise(reason="  Seluruh pegawai mencapai target  ")

        assert result.state == "final"
        assert result.override_reason == "Seluruh pegawai mencapai target"
        assert [(v["rule"], v["bound"], v["actual"]) for v in result.violations] == [
            ("at_most", 4, 5),
            ("at_least", 1, 0),
        ]
        assert states(TOO_GOOD) == {"final"}
        event = AuditEvent.objects.get(action=UNIT_OVERRIDE)
        assert event.reason == "Seluruh pegawai mencapai target"
        assert len(event.after["violations"]) == 2 and event.actor == user(KABAN)


def test_an_unknown_policy_blocks(org):
    with org:
        policy("maybe")
        rate_all(TOO_GOOD)
        org_set(value=B)

        with pytest.raises(PerformanceError):
            finalise(reason="Seluruh pegawai mencapai target")


def test_a_reason_given_without_violations_is_not_kept(org):
    with org:
        policy("override")
        rate_all(GOOD)
        org_set(value=B)

        assert finalise(reason="Tidak ada pelanggaran").override_reason == ""


def test_a_page_shown_before_the_predikat_changed_does_not_finalise(org, english):
    with org:
        rate_all(GOOD)
        org_set(value=OrgPredikat.ISTIMEWA)  # version 1: the head's page
        org_set(value=B)  # version 2

        with pytest.raises(PerformanceError, match="meanwhile"):
            finalise(version=1)

        assert unit_period().state == "open"


def test_a_second_finalise_is_refused(org, english):
    with org:
        rate_all(GOOD)
        org_set(value=B)
        finalise()

        with pytest.raises(PerformanceError, match="already final"):
            finalise(version=2)


# --- Overview ---------------------------------------------------------------------------------


def rows_by_code(who):
    return {row.code: row for row in performance_overview(user=user(who), period=PERIOD)}


def test_the_overview_of_a_leader_covers_every_opd(org):
    with org:
        rate_all(GOOD)
        evaluation(STAF_DINKES, state="submitted")
        org_set(value=B)
        finalise()

        rows = rows_by_code("pimpinan")
        assert rows_by_code("admin").keys() == rows.keys() == {"SETDA", "BKPSDMD", "DINKES"}

    bkpsdmd, dinkes = rows["BKPSDMD"], rows["DINKES"]
    assert (bkpsdmd.employees, bkpsdmd.evaluations, bkpsdmd.rated) == (5, 5, 5)
    assert bkpsdmd.by_predikat == {SB: 1, B: 3, BP: 1, K: 0, SK: 0}
    assert (bkpsdmd.org_predikat, bkpsdmd.state, bkpsdmd.by_state) == (B, "final", {"final": 5})
    assert (dinkes.employees, dinkes.pending, dinkes.org_predikat, dinkes.state) == (
        2,
        1,
        "",
        "open",
    )
    totals = calibration.overview_totals(list(rows.values()))
    assert (totals["employees"], totals["evaluations"], totals["final_opds"]) == (8, 6, 1)


def test_the_head_of_an_opd_sees_their_own_opd_only(org):
    with org:
        assert rows_by_code(KABAN).keys() == {"BKPSDMD"}
        assert rows_by_code(KADINKES).keys() == {"DINKES"}


@pytest.mark.parametrize("who", [KABID, KASUB, ANALIS])
def test_the_overview_is_empty_for_everyone_else(org, who):
    with org:
        assert rows_by_code(who) == {}


def test_the_overview_runs_the_same_queries_for_more_people(org):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            performance_overview(user=user("pimpinan"), period=PERIOD)
        return len(captured)

    with org:
        rate_all(GOOD)
        few = queries()
        extra = staff(20) + staff(10, "DINKES")
        rate_all(dict.fromkeys(extra, B))
        Unit.objects.create(code="DISHUB", name="Dinas Perhubungan", kind="DINAS")

        assert queries() == few <= 6


# --- The home card's periods --------------------------------------------------------------------


def test_the_head_learns_which_periods_are_ready_to_finalise(org):
    with org:
        rate_all(GOOD)
        rate_all(GOOD, period=MAY)
        evaluation(ANALIS, state="submitted", period=APRIL)

        ready = calibration.periods_to_finalise(user=user(KABAN))
        assert [cell.period.code for _unit, cell in ready] == [MAY, PERIOD]
        org_set(value=B)
        finalise()

        ready = calibration.periods_to_finalise(user=user(KABAN))
        assert [cell.period.code for _unit, cell in ready] == [MAY]
        assert calibration.periods_to_finalise(user=user(KABID)) == []
        assert calibration.periods_to_finalise(user=user("admin")) == []


def test_the_home_card_reads_two_tables_for_a_head_whose_record_is_loaded(
    org, django_assert_max_num_queries
):
    with org:
        rate_all(GOOD)
        head = user(KABAN)
        head.employee = Employee.objects.select_related("unit__opd").get(nip=KABAN)

        # evaluations and OPD periods; the third is the period setting, read from the
        # database inside a transaction (from the per-process cache otherwise)
        with django_assert_max_num_queries(3):
            ready = calibration.periods_to_finalise(user=head)

    assert [cell.period.code for _unit, cell in ready] == [PERIOD]
