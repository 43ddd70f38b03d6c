"""The rules of individual performance (PermenPANRB 6/2022; DOMAIN.md §2), each in one place.

Pure functions: no database, no request. Pages, the API, the import and the services call
them; the tables they read (the predikat matrix, the distribution rules) are the Pemda's
rule tables (``predikat_matrix``, ``distribution_rules``), passed in, with the national
defaults below when none is given.

The enums are string enums whose values are DOMAIN.md's constants, so plain strings work as
arguments: ``predikat("DI_ATAS", "SESUAI") == "BAIK"``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class Rating(models.TextChoices):
    """Hasil kerja and perilaku kerja against the expectation."""

    DI_ATAS = "DI_ATAS", gettext_lazy("Above expectation")
    SESUAI = "SESUAI", gettext_lazy("As expected")
    DI_BAWAH = "DI_BAWAH", gettext_lazy("Below expectation")


class Predikat(models.TextChoices):
    """Predikat kinerja pegawai."""

    SANGAT_BAIK = "SANGAT_BAIK", gettext_lazy("Sangat Baik")
    BAIK = "BAIK", gettext_lazy("Baik")
    BUTUH_PERBAIKAN = "BUTUH_PERBAIKAN", gettext_lazy("Butuh Perbaikan")
    KURANG = "KURANG", gettext_lazy("Kurang/Misconduct")
    SANGAT_KURANG = "SANGAT_KURANG", gettext_lazy("Sangat Kurang")


class OrgPredikat(models.TextChoices):
    """Predikat kinerja organisasi (SE MenPANRB 03/2023)."""

    ISTIMEWA = "ISTIMEWA", gettext_lazy("Istimewa")
    BAIK = "BAIK", gettext_lazy("Baik")
    BUTUH_PERBAIKAN = "BUTUH_PERBAIKAN", gettext_lazy("Butuh Perbaikan")
    KURANG = "KURANG", gettext_lazy("Kurang")
    SANGAT_KURANG = "SANGAT_KURANG", gettext_lazy("Sangat Kurang")


class RhkKind(models.TextChoices):
    UTAMA = "utama", gettext_lazy("Utama")
    TAMBAHAN = "tambahan", gettext_lazy("Tambahan")


class Aspect(models.TextChoices):
    KUANTITAS = "kuantitas", gettext_lazy("Quantity")
    KUALITAS = "kualitas", gettext_lazy("Quality")
    WAKTU = "waktu", gettext_lazy("Time")


class Approach(models.TextChoices):
    KUANTITATIF = "kuantitatif", gettext_lazy("Quantitative")
    KUALITATIF = "kualitatif", gettext_lazy("Qualitative")


class Perspektif(models.TextChoices):
    """Perspektif of a JPT's RHK (balanced scorecard, PermenPANRB 6/2022)."""

    PENERIMA_LAYANAN = "penerima_layanan", gettext_lazy("Penerima Layanan")
    PENGUATAN_INTERNAL = "penguatan_internal", gettext_lazy("Penguatan Internal")
    PROSES_BISNIS = "proses_bisnis", gettext_lazy("Proses Bisnis Internal")
    ANGGARAN = "anggaran", gettext_lazy("Anggaran")


class BerAkhlak(models.TextChoices):
    """The 7 core values (perilaku kerja), in their official order."""

    BERORIENTASI_PELAYANAN = "berorientasi_pelayanan", gettext_lazy("Berorientasi Pelayanan")
    AKUNTABEL = "akuntabel", gettext_lazy("Akuntabel")
    KOMPETEN = "kompeten", gettext_lazy("Kompeten")
    HARMONIS = "harmonis", gettext_lazy("Harmonis")
    LOYAL = "loyal", gettext_lazy("Loyal")
    ADAPTIF = "adaptif", gettext_lazy("Adaptif")
    KOLABORATIF = "kolaboratif", gettext_lazy("Kolaboratif")


class EvaluationState(models.TextChoices):
    DRAFT = "draft", gettext_lazy("Draft")
    SUBMITTED = "submitted", gettext_lazy("Submitted")
    RETURNED = "returned", gettext_lazy("Returned for revision")
    EVALUATED = "evaluated", gettext_lazy("Evaluated")
    FINAL = "final", gettext_lazy("Final")


class PerformanceError(ValueError):
    """A change the rules refuse; the message is for the user."""


# --- Predikat -----------------------------------------------------------------------------

# hasil → perilaku → predikat (DOMAIN.md §2; the template's ``predikat_matrix`` rule table).
DEFAULT_MATRIX: dict[str, dict[str, str]] = {
    "DI_ATAS": {"DI_BAWAH": "KURANG", "SESUAI": "BAIK", "DI_ATAS": "SANGAT_BAIK"},
    "SESUAI": {"DI_BAWAH": "KURANG", "SESUAI": "BAIK", "DI_ATAS": "BAIK"},
    "DI_BAWAH": {
        "DI_BAWAH": "SANGAT_KURANG",
        "SESUAI": "BUTUH_PERBAIKAN",
        "DI_ATAS": "BUTUH_PERBAIKAN",
    },
}


def rating_parse(value, what: str = "rating") -> Rating:
    if isinstance(value, str) and value in Rating.values:
        return Rating(value)
    raise PerformanceError(
        _("%(what)s must be one of %(choices)s, not %(value)r.")
        % {"what": what, "choices": ", ".join(Rating.values), "value": value}
    )


def predikat(hasil, perilaku, matrix: Mapping | None = None) -> Predikat:
    """The predikat of an employee rated ``hasil`` (hasil kerja) and ``perilaku``."""
    hasil = rating_parse(hasil, "hasil")
    perilaku = rating_parse(perilaku, "perilaku")
    table = matrix or DEFAULT_MATRIX
    try:
        return Predikat(table[hasil][perilaku])
    except (KeyError, ValueError):
        raise PerformanceError(
            _("The predikat matrix has no valid cell for %(hasil)s / %(perilaku)s.")
            % {"hasil": hasil, "perilaku": perilaku}
        ) from None


_ORDER = [Rating.DI_BAWAH, Rating.SESUAI, Rating.DI_ATAS]


def perilaku_overall(ratings: Mapping[str, str]) -> Rating:
    """The perilaku kerja rating from the 7 BerAKHLAK values' ratings: their median (4 of 7
    at or above a level make that level). Every value must be rated."""
    missing = [value for value in BerAkhlak.values if value not in ratings]
    if missing:
        labels = ", ".join(str(BerAkhlak(value).label) for value in missing)
        raise PerformanceError(_("Rate every core value first: %(values)s.") % {"values": labels})
    levels = sorted(_ORDER.index(rating_parse(ratings[v], "perilaku")) for v in BerAkhlak.values)
    return _ORDER[levels[len(levels) // 2]]


# A unit head's hasil kerja is the unit's own capaian (DOMAIN.md §2).
_HASIL_OF_ORG = {
    OrgPredikat.ISTIMEWA: Rating.DI_ATAS,
    OrgPredikat.BAIK: Rating.SESUAI,
    OrgPredikat.BUTUH_PERBAIKAN: Rating.DI_BAWAH,
    OrgPredikat.KURANG: Rating.DI_BAWAH,
    OrgPredikat.SANGAT_KURANG: Rating.DI_BAWAH,
}


def org_predikat_parse(value) -> OrgPredikat:
    if isinstance(value, str) and value in OrgPredikat.values:
        return OrgPredikat(value)
    raise PerformanceError(
        _("The organisation predikat must be one of %(choices)s, not %(value)r.")
        % {"choices": ", ".join(OrgPredikat.values), "value": value}
    )


def hasil_of_unit_head(org_predikat) -> Rating:
    """The default hasil kerja rating of the head of a unit rated ``org_predikat``."""
    return _HASIL_OF_ORG[org_predikat_parse(org_predikat)]


# --- Distribution -------------------------------------------------------------------------

# org predikat → rules (DOMAIN.md §2; the template's ``distribution_rules`` rule table).
DEFAULT_DISTRIBUTION_RULES: dict[str, list[dict]] = {
    "ISTIMEWA": [{"predikat": ["SANGAT_BAIK"], "at_most_percent": 70}],
    "BAIK": [
        {"predikat": ["BAIK"], "at_most_percent": 70},
        {"predikat": ["BUTUH_PERBAIKAN", "KURANG"], "at_least_count": 1},
    ],
    "BUTUH_PERBAIKAN": [
        {"predikat": ["BUTUH_PERBAIKAN"], "at_least_percent": 60},
        {"predikat": ["SANGAT_BAIK"], "at_most_percent": 10},
    ],
    "KURANG": [
        {"predikat": ["KURANG"], "at_least_percent": 60},
        {"predikat": ["BUTUH_PERBAIKAN"], "at_least_percent": 10},
        {"predikat": ["SANGAT_BAIK"], "at_most_percent": 10},
    ],
    "SANGAT_KURANG": [
        {"predikat": ["SANGAT_KURANG"], "at_least_percent": 60},
        {"predikat": ["KURANG", "BUTUH_PERBAIKAN"], "at_least_percent": 10},
        {"predikat": ["SANGAT_BAIK"], "at_most_percent": 0},
    ],
}

ROUNDINGS = ("half_up", "down", "up")


def count_of_percent(percent, n: int, rounding: str = "half_up") -> int:
    """``percent`` % of ``n`` people as a whole number of people: halves up by default (70 %
    of 1 is 1, 10 % of 3 is 0, 60 % of 7 is 4); ``down`` and ``up`` are the other tenant
    choices."""
    try:
        exact = Fraction(Decimal(str(percent))) * n / 100
    except (InvalidOperation, ValueError, OverflowError):  # junk, NaN, infinity
        raise PerformanceError(
            _("%(value)r is not a percentage.") % {"value": str(percent)[:20]}
        ) from None
    if rounding == "half_up":
        return int(exact + Fraction(1, 2)) if exact >= 0 else -int(-exact + Fraction(1, 2))
    if rounding == "down":
        return exact.numerator // exact.denominator
    if rounding == "up":
        return -((-exact.numerator) // exact.denominator)
    raise PerformanceError(
        _("Unknown rounding %(value)r; expected one of %(choices)s.")
        % {"value": rounding, "choices": ", ".join(ROUNDINGS)}
    )


@dataclass(frozen=True)
class DistributionViolation:
    """One broken rule: which predikat, the bound in people, how many there are, and by how
    many people the unit is over (``excess`` > 0) or under (``shortfall`` > 0)."""

    rule: str  # "at_most" | "at_least"
    predikat: tuple[str, ...]
    percent: Decimal | None  # None for "at least N people"
    bound: int
    actual: int
    total: int

    @property
    def excess(self) -> int:
        return max(self.actual - self.bound, 0) if self.rule == "at_most" else 0

    @property
    def shortfall(self) -> int:
        return max(self.bound - self.actual, 0) if self.rule == "at_least" else 0

    @property
    def message(self) -> str:
        names = _(" or ").join(str(Predikat(p).label) for p in self.predikat)
        facts = {
            "names": names,
            "percent": self.percent,
            "bound": self.bound,
            "total": self.total,
            "actual": self.actual,
            "excess": self.excess,
            "shortfall": self.shortfall,
        }
        if self.rule == "at_most":
            return (
                _(
                    "%(names)s: at most %(percent)s %% (%(bound)s of %(total)s people); there "
                    "are %(actual)s, %(excess)s too many."
                )
                % facts
            )
        if self.percent is None:
            return (
                _("%(names)s: at least %(bound)s; there are %(actual)s, %(shortfall)s missing.")
                % facts
            )
        return (
            _(
                "%(names)s: at least %(percent)s %% (%(bound)s of %(total)s people); there are "
                "%(actual)s, %(shortfall)s missing."
            )
            % facts
        )


def _counts_parse(counts: Mapping) -> dict[str, int]:
    parsed: dict[str, int] = {}
    for key, value in counts.items():
        if not (isinstance(key, str) and key in Predikat.values):
            raise PerformanceError(
                _("Unknown predikat %(value)r; expected one of %(choices)s.")
                % {"value": key, "choices": ", ".join(Predikat.values)}
            )
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise PerformanceError(
                _("The number of people rated %(predikat)s must be a whole number ≥ 0.")
                % {"predikat": key}
            )
        parsed[str(key)] = parsed.get(str(key), 0) + value
    return parsed


def _percent(value) -> Decimal:
    """A rule's percentage as written, for the bound and the message: 70, 12.5 (never
    ``7E+1``, which is what Decimal("70").normalize() says)."""
    try:
        percent = Decimal(str(value))
    except InvalidOperation:
        raise PerformanceError(_("A distribution rule has a bad percentage.")) from None
    if not percent.is_finite():
        raise PerformanceError(_("A distribution rule has a bad percentage."))
    if not (0 <= percent <= 100):
        raise PerformanceError(_("A distribution rule has a percentage outside 0–100."))
    if percent == percent.to_integral_value():
        return percent.quantize(Decimal(1))
    return percent.normalize()


def _count(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit():
        raise PerformanceError(_("A distribution rule has a bad number of people."))
    return int(value)


def distribution_violations(
    org_predikat,
    counts: Mapping,
    rules: Mapping | None = None,
    rounding: str = "half_up",
) -> list[DistributionViolation]:
    """Every distribution rule of ``org_predikat`` that ``counts`` (predikat → number of the
    unit's rated employees) breaks; empty when the distribution is allowed. A unit with
    nobody rated has no distribution to break."""
    org = org_predikat_parse(org_predikat)
    tally = _counts_parse(counts)
    total = sum(tally.values())
    if total == 0:
        return []
    table = rules if rules is not None else DEFAULT_DISTRIBUTION_RULES
    found = []
    for rule in table.get(org, []):
        group = tuple(rule["predikat"])
        actual = sum(tally.get(p, 0) for p in group)
        if "at_most_percent" in rule:
            percent = _percent(rule["at_most_percent"])
            bound = count_of_percent(percent, total, rounding)
            if actual > bound:
                found.append(DistributionViolation("at_most", group, percent, bound, actual, total))
        elif "at_least_percent" in rule:
            percent = _percent(rule["at_least_percent"])
            bound = count_of_percent(percent, total, rounding)
            if actual < bound:
                found.append(
                    DistributionViolation("at_least", group, percent, bound, actual, total)
                )
        elif "at_least_count" in rule:
            bound = _count(rule["at_least_count"])
            if actual < bound:
                found.append(DistributionViolation("at_least", group, None, bound, actual, total))
    return found


# --- Leniency -----------------------------------------------------------------------------

# A number per predikat, only to compare how generous appraisers are (not a score of anyone).
PREDIKAT_POINTS = {
    Predikat.SANGAT_BAIK: 5,
    Predikat.BAIK: 4,
    Predikat.BUTUH_PERBAIKAN: 3,
    Predikat.KURANG: 2,
    Predikat.SANGAT_KURANG: 1,
}
LENIENCY_MIN_PEOPLE = 3  # fewer rated people say nothing about the appraiser
LENIENCY_GAP = Decimal("0.5")  # average points above the Pemda's that is worth a look


def predikat_mean(counts: Mapping) -> Decimal | None:
    tally = _counts_parse(counts)
    total = sum(tally.values())
    if total == 0:
        return None
    points = sum(PREDIKAT_POINTS[Predikat(p)] * n for p, n in tally.items())
    return (Decimal(points) / total).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class Leniency:
    mean: Decimal | None
    gap_to_pemda: Decimal | None
    lenient: bool  # markedly more generous than the Pemda
    severe: bool  # markedly harsher
    top_share: Decimal | None  # share rated Sangat Baik or Baik, %


def leniency(appraiser_counts: Mapping, pemda_counts: Mapping) -> Leniency:
    """How one appraiser's ratings compare with the whole Pemda's."""
    tally = _counts_parse(appraiser_counts)
    total = sum(tally.values())
    mean, pemda = predikat_mean(tally), predikat_mean(pemda_counts)
    gap = None if mean is None or pemda is None else mean - pemda
    enough = total >= LENIENCY_MIN_PEOPLE and gap is not None
    top = tally.get(Predikat.SANGAT_BAIK, 0) + tally.get(Predikat.BAIK, 0)
    return Leniency(
        mean=mean,
        gap_to_pemda=gap,
        lenient=enough and gap >= LENIENCY_GAP,
        severe=enough and gap <= -LENIENCY_GAP,
        top_share=(Decimal(100 * top) / total).quantize(Decimal("0.1")) if total else None,
    )


# --- SKP content --------------------------------------------------------------------------

TEXT_MAX = 2000
UNIT_MAX = 50
TARGET_MAX = Decimal("999999999999")


@dataclass(frozen=True)
class Violation:
    field: str
    message: str


# --- An IKI's progress in a period ------------------------------------------------------------

# Targets stated as a level (a percentage, an index, a score, hours a week): a period's
# realisation is compared with the target as it stands. Any other target counts up over
# the year (documents, activities, months on time).
LEVEL_UNITS = frozenset({"%", "persen", "indeks", "nilai", "skor", "jam", "jam/minggu"})
_HUNDRED = Decimal(100)


def iki_is_level(target_unit: str) -> bool:
    """Whether a target in ``target_unit`` is a level (``LEVEL_UNITS``, any case)."""
    return " ".join(str(target_unit or "").split()).lower() in LEVEL_UNITS


def iki_progress(target, realisation, *, target_unit: str, months_elapsed: int):
    """How far an IKI's realisation reported in a period reached its target, in percent,
    from 0 to 100, 2 places, halves up (issue 10 §6: RHK realisation against target).

    The SKP's targets are the year's (PermenPANRB 6/2022) and a period's realisation is
    what was reached by the period's end. A level (``iki_is_level``) is compared with the
    target itself; anything else with the target's share of the year by then
    (``months_elapsed`` ÷ 12: 3 for March or the first quarter, 12 for the year). None
    when it cannot be measured: no realisation, or a target of 0 or less. Higher is
    better: an SKP does not say otherwise of its indicators."""
    if realisation is None or target is None:
        return None
    if not 1 <= int(months_elapsed) <= 12:
        raise ValueError(f"months elapsed run from 1 to 12, not {months_elapsed!r}")
    try:
        target, realisation = Decimal(str(target)), Decimal(str(realisation))
    except InvalidOperation:
        raise ValueError("a target and a realisation are numbers") from None
    if not (target.is_finite() and realisation.is_finite()):
        raise ValueError("a target and a realisation are numbers")
    due = target if iki_is_level(target_unit) else target * int(months_elapsed) / 12
    if due <= 0:
        return None
    reached = max(Decimal(0), min(_HUNDRED, realisation * _HUNDRED / due))
    return reached.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def rhk_violations(*, text: str, kind: str, perspektif: str = "", is_jpt: bool = False):
    found = []
    if not (text or "").strip():
        found.append(Violation("text", _("Write what the RHK will deliver.")))
    elif len(text) > TEXT_MAX:
        found.append(Violation("text", _("At most %(n)s characters.") % {"n": TEXT_MAX}))
    if kind not in RhkKind.values:
        found.append(Violation("kind", _("Choose utama or tambahan.")))
    if perspektif and perspektif not in Perspektif.values:
        found.append(Violation("perspektif", _("Choose a perspektif from the list.")))
    if is_jpt and not perspektif:
        found.append(Violation("perspektif", _("A JPT's RHK needs a perspektif.")))
    return found


def iki_violations(
    *, text: str, aspect: str, approach: str, target_value, target_unit: str, target_text: str = ""
):
    """An IKI: an indicator, its aspect, and a target: a number with its unit ("12 Dokumen")
    for a quantitative one, a described target for a qualitative one."""
    found = []
    if not (text or "").strip():
        found.append(Violation("text", _("Write the indicator.")))
    elif len(text) > TEXT_MAX:
        found.append(Violation("text", _("At most %(n)s characters.") % {"n": TEXT_MAX}))
    if aspect not in Aspect.values:
        found.append(Violation("aspect", _("Choose the aspect: kuantitas, kualitas or waktu.")))
    if approach not in Approach.values:
        found.append(Violation("approach", _("Choose quantitative or qualitative.")))
    unit = (target_unit or "").strip()
    if approach == Approach.KUANTITATIF:
        if target_value in (None, ""):
            found.append(Violation("target_value", _("Give the target as a number.")))
        else:
            try:
                value = Decimal(str(target_value))
            except InvalidOperation:
                value = None
            if value is None or not value.is_finite():
                found.append(Violation("target_value", _("The target must be a number.")))
            elif value < 0 or value > TARGET_MAX:
                found.append(
                    Violation(
                        "target_value", _("The target must be between 0 and 999,999,999,999.")
                    )
                )
        if not unit:
            found.append(
                Violation("target_unit", _("Give the target's unit (Dokumen, Laporan, %, …)."))
            )
    elif approach == Approach.KUALITATIF and not (target_text or "").strip():
        found.append(Violation("target_text", _("Describe the qualitative target.")))
    if len(unit) > UNIT_MAX:
        found.append(Violation("target_unit", _("At most %(n)s characters.") % {"n": UNIT_MAX}))
    return found


def violations_raise(violations: Iterable[Violation]) -> None:
    violations = list(violations)
    if violations:
        raise PerformanceRuleError(violations)


class PerformanceRuleError(PerformanceError):
    """A record the rules refuse, with every violation and its field."""

    def __init__(self, violations: list[Violation]):
        self.violations = list(violations)
        super().__init__(" ".join(v.message for v in self.violations))

    def by_field(self) -> dict[str, list[str]]:
        fields: dict[str, list[str]] = {}
        for violation in self.violations:
            fields.setdefault(violation.field, []).append(violation.message)
        return fields


# --- Workflow -----------------------------------------------------------------------------

# action → (states it may start from, the state it leads to, who acts)
_S = EvaluationState
TRANSITIONS = {
    "submit": ((_S.DRAFT, _S.RETURNED), _S.SUBMITTED, "owner"),
    "return": ((_S.SUBMITTED, _S.EVALUATED), _S.RETURNED, "appraiser"),
    "evaluate": ((_S.SUBMITTED,), _S.EVALUATED, "appraiser"),
    "finalise": ((_S.EVALUATED,), _S.FINAL, "unit"),
}


def transition_target(state: str, action: str) -> EvaluationState:
    """Where ``action`` leads from ``state``; refused with the reason otherwise."""
    if action not in TRANSITIONS:
        raise PerformanceError(_("Unknown action %(action)r.") % {"action": action})
    sources, target, _who = TRANSITIONS[action]
    if state not in sources:
        raise PerformanceError(
            _("This evaluation is %(state)s; it cannot be %(action)s now.")
            % {
                "state": EvaluationState(state).label if state in EvaluationState.values else state,
                "action": ACTION_LABELS[action],
            }
        )
    return target


ACTION_LABELS = {
    "submit": gettext_lazy("submitted"),
    "return": gettext_lazy("returned for revision"),
    "evaluate": gettext_lazy("evaluated"),
    "finalise": gettext_lazy("finalised"),
}
