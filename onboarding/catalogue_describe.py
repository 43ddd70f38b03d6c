"""What a template's configuration means, in words for people (pure functions, no database).

The catalogue page, the wizard's preview and the mentor's page show policy settings and rule
tables through these: ``setting_describe("performance.evaluation_period", "monthly", "id")``
gives the label "Periode penilaian" and the value "Bulanan". A key this module does not know
is shown as it is stored, never hidden: a module that adds a setting to the template files
adds its description here.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import translation
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.config.periods import PeriodKind


@dataclass(frozen=True)
class Described:
    label: str
    value: str
    known: bool = True  # False: the key is shown as stored (no description yet)


def _yes_no(value) -> str:
    return _("yes") if value else _("no")


def _percent(value) -> str:
    return f"{number_format(value)}%"


def _period(value) -> str:
    return str(PeriodKind(value).label) if value in PeriodKind.values else str(value)


def _minutes(value) -> str:
    minutes = int(value)
    return _("%(minutes)s minutes a year (%(hours)s hours)") % {
        "minutes": number_format(minutes, force_grouping=True),
        "hours": number_format(round(minutes / 60), force_grouping=True),
    }


def _choice(labels: dict) -> Callable:
    def describe(value) -> str:
        label = labels.get(value)
        return str(label) if label is not None else str(value)

    return describe


POTENTIAL_PARTS = {
    "competence": gettext_lazy("competence"),
    "potential": gettext_lazy("potential"),
    "qualification": gettext_lazy("qualification"),
}


def _weights(value) -> str:
    if not isinstance(value, dict):
        return str(value)
    # In a fixed order: the database (jsonb) keeps an object's keys in an order of its own.
    order = {part: index for index, part in enumerate(POTENTIAL_PARTS)}
    parts = sorted(value, key=lambda part: (order.get(part, len(order)), part))
    return ", ".join(f"{POTENTIAL_PARTS.get(part, part)} {_percent(value[part])}" for part in parts)


def _weekdays(value) -> str:
    """ISO weekdays (1 = Monday) by name: a run of three or more as "Monday–Friday"."""
    if not isinstance(value, list) or not all(
        isinstance(day, int) and not isinstance(day, bool) and 1 <= day <= 7 for day in value
    ):
        raise ValueError(value)
    days = sorted(set(value))

    def name(day: int) -> str:
        return date_format(datetime.date(2024, 1, day), "l")  # 1 January 2024: a Monday

    if len(days) >= 3 and days == list(range(days[0], days[-1] + 1)):
        return f"{name(days[0])}–{name(days[-1])}"
    return ", ".join(name(day) for day in days)


def _working_days(value) -> str:
    days = int(value)
    return ngettext("%(n)s working day", "%(n)s working days", days) % {"n": days}


def _minutes_a_day(value) -> str:
    minutes = int(value)
    return _("%(minutes)s minutes (%(hours)s hours)") % {
        "minutes": number_format(minutes, force_grouping=True),
        "hours": number_format(round(minutes / 60, 2)),
    }


RATINGS = {
    "DI_ATAS": gettext_lazy("Above expectation"),
    "SESUAI": gettext_lazy("As expected"),
    "DI_BAWAH": gettext_lazy("Below expectation"),
}


def _scores(value) -> str:
    if not isinstance(value, dict):
        raise ValueError(value)
    order = {rating: index for index, rating in enumerate(RATINGS)}
    ratings = sorted(value, key=lambda rating: (order.get(rating, len(order)), rating))
    return ", ".join(
        f"{RATINGS.get(rating, rating)} {number_format(value[rating])}" for rating in ratings
    )


# key → (label, how the value reads). Labels are English msgids, shown translated.
SETTINGS: dict[str, tuple] = {
    "performance.evaluation_period": (gettext_lazy("Assessment period"), _period),
    "performance.individual_weight_percent": (
        gettext_lazy("Weight of individual work results"),
        _percent,
    ),
    "performance.behaviour_weight_percent": (gettext_lazy("Weight of work behaviour"), _percent),
    "performance.daily_activity_log": (gettext_lazy("Daily activity log"), _yes_no),
    "performance.monthly_individual_index": (
        gettext_lazy("Monthly individual performance index"),
        _yes_no,
    ),
    "performance.minimum_monthly_score": (
        gettext_lazy("Minimum monthly score"),
        lambda value: number_format(value),
    ),
    "tpp.payment_cycle": (
        gettext_lazy("Performance pay (TPP) paid"),
        _choice(
            {
                "monthly": gettext_lazy("every month"),
                "quarterly": gettext_lazy("every quarter"),
            }
        ),
    ),
    "abk.effective_minutes": (gettext_lazy("Effective working time (ABK)"), _minutes),
    "distribution.rounding": (
        gettext_lazy("Rounding of the distribution curve"),
        _choice(
            {
                "half_up": gettext_lazy("half up"),
                "down": gettext_lazy("down"),
                "up": gettext_lazy("up"),
            }
        ),
    ),
    "distribution.violation_policy": (
        gettext_lazy("When the predikat distribution is not met"),
        _choice(
            {
                "block": gettext_lazy("the ratings cannot be finalised until it is fixed"),
                "override_with_audit": gettext_lazy(
                    "the ratings can be finalised with a reason, kept in the change history"
                ),
                "warn": gettext_lazy("a warning is shown"),
            }
        ),
    ),
    "talent.potential_weights_percent": (gettext_lazy("Weights of the potential axis"), _weights),
    "talent.talent_pool": (gettext_lazy("Talent pool from the 9-box"), _yes_no),
    "talent.succession_from_talent_pool": (
        gettext_lazy("Succession to JPT posts from the talent pool"),
        _yes_no,
    ),
    "kpi.cross_opd_teams": (gettext_lazy("Cross-OPD teams"), _yes_no),
    "activity.working_weekdays": (gettext_lazy("Working days of the week"), _weekdays),
    "activity.entry_days_open": (
        gettext_lazy("Time to log or change an activity after its day"),
        _working_days,
    ),
    "activity.max_minutes_per_day": (
        gettext_lazy("Most activity minutes one day counts"),
        _minutes_a_day,
    ),
    "activity.attendance_required": (
        gettext_lazy("Activities only on days with an attendance record"),
        _yes_no,
    ),
    "activity.behaviour_scores": (
        gettext_lazy("Behaviour score by work-behaviour rating (monthly index)"),
        _scores,
    ),
    "activity.late_approval_days": (
        gettext_lazy("An activity waiting for approval is late after"),
        _working_days,
    ),
}

RULE_TABLES: dict[str, object] = {
    "predikat_matrix": gettext_lazy("Predikat matrix (work results × work behaviour)"),
    "distribution_rules": gettext_lazy("Predikat distribution curve of the organisation"),
    "predikat_credit_percent": gettext_lazy("Share of angka kredit by predikat"),
    "nine_box": gettext_lazy("Talent 9-box and talent pool boxes"),
    "merit_bands": gettext_lazy("Merit system categories"),
    "catalogue.opd_types": gettext_lazy("OPD types"),
    "catalogue.norma_waktu": gettext_lazy("Norma waktu (standard time per task)"),
}


def setting_describe(key: str, value, language: str) -> Described:
    """The label and the readable value of policy setting ``key`` in ``language``.

    An unknown key, or a value its reader cannot read, is shown as stored (``known`` False)
    rather than hidden or failing: the catalogue must show everything a template sets.
    """
    with translation.override(language):
        entry = SETTINGS.get(key)
        if entry is not None:
            label, read = entry
            try:
                return Described(str(label), read(value))
            except (TypeError, ValueError):
                return Described(str(label), _stored(value), known=False)
        return Described(key, _stored(value), known=False)


def rule_table_label(name: str, language: str) -> str:
    with translation.override(language):
        label = RULE_TABLES.get(name)
        return str(label) if label is not None else name


def _stored(value) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def rule_table_summary(name: str, data, language: str) -> list[str]:
    """A few lines saying what the table ``name`` holds (for the catalogue's detail)."""
    with translation.override(language):
        if name == "predikat_credit_percent" and isinstance(data, dict):
            ranked = sorted(data.items(), key=lambda item: -item[1])  # jsonb keeps no order
            return [
                f"{predikat.replace('_', ' ').title()}: {percent}%" for predikat, percent in ranked
            ]
        if name == "merit_bands" and isinstance(data, list):
            return [
                f"{band.get('category')} {band.get('label')}: {band.get('min')}–{band.get('max')}"
                for band in data
                if isinstance(band, dict)
            ]
        if name == "nine_box" and isinstance(data, dict):
            boxes = ", ".join(str(box) for box in data.get("talent_pool_boxes", []))
            return [_("Talent pool boxes: %(boxes)s") % {"boxes": boxes}] if boxes else []
        if name == "catalogue.opd_types" and isinstance(data, list):
            return [
                str(entry.get("label"))
                + (f" ({_('type')} {'/'.join(entry['types'])})" if entry.get("types") else "")
                for entry in data
                if isinstance(entry, dict)
            ]
        if name == "catalogue.norma_waktu" and isinstance(data, list):
            return [
                _("%(position)s: %(task)s, %(minutes)s minutes per %(unit)s")
                % {
                    "position": entry.get("position"),
                    "task": entry.get("task"),
                    "minutes": entry.get("minutes_per_unit"),
                    "unit": str(entry.get("output_unit", "")).lower(),
                }
                for entry in data
                if isinstance(entry, dict)
            ]
        if isinstance(data, dict | list):
            return [_("%(count)s entries") % {"count": len(data)}]
        return []
