"""Pages of the organisation predikat and calibration: the overview of the Pemda (or the
OPD) per period, the list of OPD × period with their state, and one OPD's calibration page
with the distribution against the rules, the leniency per appraiser, the organisation
predikat form and the finalise form. Each reads through core.performance.calibration in a
fixed number of queries and writes through its services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.config.periods import Period, PeriodKind, period_of, periods_in_year
from core.config.selectors import evaluation_period_kind
from core.org.access import scope_description
from core.performance import calibration
from core.performance.access import may_finalise_opd, may_rate_opd
from core.performance.forms_calibration import FinaliseForm, OrgPredikatForm
from core.performance.rules import EvaluationState, PerformanceError, Predikat
from core.performance.services import periods_of_year

YEARS_BACK = 2  # the pickers offer this year and the two before

# Colours of the predikat in the charts (performance-charts.js reads them from the data).
PREDIKAT_COLOURS = {
    Predikat.SANGAT_BAIK: "#0b6e4f",
    Predikat.BAIK: "#5aa469",
    Predikat.BUTUH_PERBAIKAN: "#f0ad4e",
    Predikat.KURANG: "#e8743b",
    Predikat.SANGAT_KURANG: "#c0392b",
}


def _period_current() -> Period:
    return period_of(evaluation_period_kind(), timezone.localdate())


def _period_from(raw) -> tuple[Period, bool]:
    """The period asked for (``?periode=``), or the current one; False when the code asked
    for was not a period of this Pemda."""
    if raw:
        try:
            return calibration.period_check(str(raw)[:20]), True
        except PerformanceError:
            return _period_current(), False
    return _period_current(), True


def _year_from(raw) -> int:
    this_year = timezone.localdate().year
    try:
        year = int(str(raw))
    except (TypeError, ValueError):
        return this_year
    return year if this_year - 10 <= year <= this_year + 1 else this_year


def _period_choices(chosen: Period) -> list[tuple[str, str]]:
    this_year = timezone.localdate().year
    years = sorted({*range(this_year - YEARS_BACK, this_year + 1), chosen.year}, reverse=True)
    kind = evaluation_period_kind()  # read once, not once a year
    return [
        (p.code, p.label)
        for year in years
        for p in (*periods_in_year(kind, year), Period(PeriodKind.ANNUAL, year, 1))
    ]


def _opd_or_404(user, opd_pk: int):
    opd = calibration.opds_for(user).select_related("head").filter(pk=opd_pk).first()
    if opd is None:
        raise Http404
    return opd


def _period_or_404(period: str) -> None:
    try:
        calibration.period_check(period)
    except PerformanceError:
        raise Http404 from None


def _chart_counts(counts: dict[str, int], label) -> dict:
    """People per predikat for Chart.js: one bar per predikat, each in its colour."""
    return {
        "labels": [str(Predikat(value).label) for value in counts],
        "datasets": [
            {
                "label": str(label),
                "data": list(counts.values()),
                "backgroundColor": [PREDIKAT_COLOURS[Predikat(value)] for value in counts],
            }
        ],
    }


def _chart(labels, series: dict[str, list]) -> dict:
    """{"labels", "datasets"} for Chart.js: one dataset per predikat, in its colour."""
    return {
        "labels": [str(label) for label in labels],
        "datasets": [
            {
                "label": str(Predikat(value).label),
                "data": data,
                "backgroundColor": PREDIKAT_COLOURS[Predikat(value)],
            }
            for value, data in series.items()
        ],
    }


# --- Overview ---------------------------------------------------------------------------------


@login_required
@require_GET
def overview(request):
    """Per OPD: employees, evaluations by state and by predikat, the organisation predikat
    and the state (the leaders and the admin: every OPD; a head of OPD: their own)."""
    if not calibration.may_see_calibration(request.user):
        raise PermissionDenied
    period, valid = _period_from(request.GET.get("periode"))
    if not valid:
        messages.info(
            request,
            _("That is not an evaluation period here; showing %(period)s.")
            % {"period": period.label},
        )
    rows = calibration.performance_overview(user=request.user, period=period.code)
    totals = calibration.overview_totals(rows)
    charted = [row for row in rows if row.rated]
    predikat = list(Predikat.values)
    return render(
        request,
        "performance/calibration/overview.html",
        {
            "period": period,
            "period_choices": _period_choices(period),
            "rows": rows,
            "totals": totals,
            "state_totals": [
                (EvaluationState(state).label, n) for state, n in totals["by_state"].items() if n
            ],
            "predikat": [(value, Predikat(value).label) for value in predikat],
            "scope": scope_description(request.user),
            "chart_total": _chart_counts(totals["by_predikat"], _("Employees")),
            "chart_opd": _chart(
                [row.name for row in charted],
                {
                    v: [
                        round(100 * row.by_predikat[v] / row.rated, 1) if row.rated else 0
                        for row in charted
                    ]
                    for v in predikat
                },
            ),
            "chart_rows": len(charted),
        },
    )


# --- The list of OPD × period -----------------------------------------------------------------


@login_required
@require_GET
def calibration_list(request):
    opds = calibration.opds_for(request.user)
    if not calibration.may_see_calibration(request.user) and not opds.exists():
        raise PermissionDenied
    year = _year_from(request.GET.get("tahun"))
    periods = periods_of_year(year)
    suffix = f" {year}"
    this_year = timezone.localdate().year
    return render(
        request,
        "performance/calibration/list.html",
        {
            "year": year,
            "years": list(range(this_year, this_year - YEARS_BACK - 1, -1)),
            # The year is chosen above the table: "Januari", "Triwulan I", "Tahun".
            "headers": [(p, p.label.removesuffix(suffix) or p.label) for p in periods],
            "grid": calibration.calibration_grid(opds=opds, periods=periods),
            "scope": scope_description(request.user),
        },
    )


# --- One OPD in one period --------------------------------------------------------------------


def _calibration_page(
    request,
    opd,
    period: str,
    *,
    org_form=None,
    finalise_form=None,
    finalise_error="",
    reason="",
    status=200,
):
    """The page; after a refused change, with the form and the refusal. A refused finalise
    shows a fresh form (the period as it is now) with the reason typed kept."""
    result = calibration.opd_calibration(opd=opd, period=period)
    may_rate = may_rate_opd(request.user, opd)
    may_finalise = may_finalise_opd(request.user, opd)
    override = result.policy == calibration.POLICY_OVERRIDE and bool(result.violations)
    if may_rate and not result.is_final and org_form is None:
        org_form = OrgPredikatForm(initial={"org_predikat": result.org_predikat})
    if may_finalise and not result.is_final and finalise_form is None:
        finalise_form = FinaliseForm(
            initial={"version": result.version, "override_reason": reason},
            override=override,
            without_evaluation=bool(result.without_evaluation),
        )
    if finalise_form is not None and not override:
        finalise_form.fields.pop("override_reason", None)
    if finalise_form is not None and not result.without_evaluation:
        finalise_form.fields.pop("without_evaluation_confirmed", None)
    parsed = Period.parse(period)
    unit_mean = result.unit_mean
    return render(
        request,
        "performance/calibration/detail.html",
        {
            "opd": opd,
            "period": parsed,
            "c": result,
            "org_form": org_form if may_rate and not result.is_final else None,
            "finalise_form": finalise_form if may_finalise and not result.is_final else None,
            "override": override,
            "finalise_error": finalise_error,
            "unit_mean": unit_mean,
            "chart": _chart_counts(result.counts, _("Employees")),
            "list_url": reverse("performance:calibration_list") + f"?tahun={parsed.year}",
        },
        status=status,
    )


@login_required
@require_GET
def calibration_detail(request, opd_pk: int, period: str):
    opd = _opd_or_404(request.user, opd_pk)
    _period_or_404(period)
    return _calibration_page(request, opd, period)


@login_required
@require_POST
def calibration_org_predikat(request, opd_pk: int, period: str):
    opd = _opd_or_404(request.user, opd_pk)
    _period_or_404(period)
    if not may_rate_opd(request.user, opd):
        raise PermissionDenied
    form = OrgPredikatForm(request.POST)
    if form.is_valid():
        try:
            calibration.org_predikat_set(
                opd=opd,
                period=period,
                by=request.user,
                org_predikat=form.cleaned_data["org_predikat"],
            )
        except PerformanceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The organisation predikat has been saved."))
            return redirect("performance:calibration", opd_pk=opd.pk, period=period)
    return _calibration_page(request, opd, period, org_form=form, status=400)


@login_required
@require_POST
def calibration_finalise(request, opd_pk: int, period: str):
    opd = _opd_or_404(request.user, opd_pk)
    _period_or_404(period)
    if not may_finalise_opd(request.user, opd):
        raise PermissionDenied
    form = FinaliseForm(request.POST, override=True)
    if not form.is_valid():
        return _calibration_page(request, opd, period, finalise_form=form, status=400)
    reason = form.cleaned_data.get("override_reason") or ""
    try:
        unit_period = calibration.opd_finalise(
            opd=opd,
            period=period,
            by=request.user,
            version=form.cleaned_data["version"],
            override_reason=reason,
            without_evaluation_confirmed=form.cleaned_data.get(
                "without_evaluation_confirmed", False
            ),
        )
    except PerformanceError as exc:
        return _calibration_page(
            request, opd, period, finalise_error=str(exc), reason=reason, status=400
        )
    if unit_period.override_reason:
        messages.warning(
            request,
            _("%(name)s is final for this period, with an override of the distribution rules.")
            % {"name": opd.name},
        )
    else:
        messages.success(request, _("%(name)s is final for this period.") % {"name": opd.name})
    return redirect("performance:calibration", opd_pk=opd.pk, period=period)
