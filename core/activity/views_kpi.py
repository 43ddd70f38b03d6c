"""Pages of KPI (IKU) and cross-OPD teams: the list of a year's KPIs with filters, a KPI's
page with its twelve months in one editable grid and a chart, the cascade (the KPI it
serves, those serving it, the RHK it cascades into), the teams and their members, and
"my KPIs": what credits me in a month.

Every page fetches through the scopes (core.activity.kpi: 404 unseen, 403 seen but not
theirs to change) and writes through one service; a refusal is shown next to its field or
cell (status 400) with nothing stored."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.dates import MONTHS_3
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from core.activity import kpi as kpis
from core.activity import rules
from core.activity.forms_kpi import (
    OWNER_PEMDA,
    OWNER_TEAM,
    OWNER_UNIT,
    KpiFilterForm,
    KpiForm,
    MembersForm,
    RhkLinkForm,
    TeamForm,
    errors_show,
)
from core.activity.kpi import KpiError
from core.activity.models import Kpi, KpiPeriod, Team
from core.config.periods import Period, PeriodKind
from core.org.access import employee_of
from core.org.models import Unit
from core.performance.selectors import year_parse

PAGE_SIZE = 50
YEARS_AROUND = 1
MONTHS_BACK = 23  # "my KPIs" offers this month and the 23 before it
TARGET, REALISATION = "target-", "realisation-"


def number_show(value) -> str:
    """A figure as people read it in the active language: 1.250,5 (id), 1,250.5 (en)."""
    if value is None:
        return ""
    value = Decimal(value)
    return formats.number_format(f"{value.normalize():f}", use_l10n=True, force_grouping=True)


def number_input(value) -> str:
    """A figure in an input: no grouping, the language's decimal mark (read back by the
    service either way)."""
    if value is None:
        return ""
    text = f"{Decimal(value).normalize():f}"
    return text.replace(".", formats.get_format("DECIMAL_SEPARATOR"))


def _chart_number(value):
    return None if value is None else float(value)


# --- The list -------------------------------------------------------------------------------


def _years(user, chosen: int) -> list[int]:
    now = timezone.localdate().year
    years = set(range(now - YEARS_AROUND, now + YEARS_AROUND + 1))
    years.update(Kpi.objects.visible_to(user).values_list("year", flat=True).distinct())
    years.add(chosen)
    return sorted(years, reverse=True)


@login_required
@require_GET
def kpi_list(request):
    """The KPIs of a year that the user sees, 50 a page, with the year's realisation and
    achievement; filters by whose (Pemda, OPD, team), OPD, team and name."""
    year = year_parse(request.GET.get("tahun"))
    opds = list(Unit.objects.visible_to(request.user).opds().only("id", "code", "name"))
    teams = list(Team.objects.visible_to(request.user).filter(year=year).only("id", "name"))
    filters = KpiFilterForm(
        request.GET or None, years=_years(request.user, year), opds=opds, teams=teams
    )
    data = filters.cleaned_data if filters.is_valid() else {}
    opd = next((unit for unit in opds if unit.code == data.get("opd")), None)
    team = next((team for team in teams if team.pk == data.get("tim")), None)
    found = kpis.kpi_list(
        user=request.user,
        year=year,
        kind=data.get("jenis", ""),
        opd=opd,
        team=team,
        q=data.get("q", ""),
    )
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = kpis.kpi_rows(page.object_list)
    if not filters.is_bound:
        filters = KpiFilterForm(
            initial={"tahun": year}, years=_years(request.user, year), opds=opds, teams=teams
        )
    return render(
        request,
        "activity/kpi/list.html",
        {
            "page": page,
            "year": year,
            "filters": filters,
            "can_add": kpis.may_add_kpis(request.user),
            "rows": [_row(kpi) for kpi in page.object_list],
        },
    )


def _row(kpi: Kpi) -> dict:
    return {
        "kpi": kpi,
        "owner": _owner_label(kpi),
        "annual_target": number_show(kpi.annual_target),
        "realisation": number_show(kpi.year_realisation),
        "achievement": kpi.year_achievement,
        "reported": kpi.months_reported,
    }


def _owner_label(kpi: Kpi) -> str:
    if kpi.team_id:
        return _("Team: %(name)s") % {"name": kpi.team.name}
    if kpi.unit_id:
        return kpi.unit.name
    return _("Pemda")


# --- Adding and changing a KPI ----------------------------------------------------------------


def _owners(user) -> list[tuple[str, str]]:
    owners = []
    if kpis.may_manage_pemda_kpis(user):
        owners.append((OWNER_PEMDA, _("The Pemda's")))
    if kpis.units_managed_by(user).exists():
        owners.append((OWNER_UNIT, _("An OPD's or unit's")))
    if kpis.teams_managed_by(user).exists():
        owners.append((OWNER_TEAM, _("A team's")))
    return owners


def _visible_parents(user, *, year, unit=None, team=None, keep=None, owner=""):
    if owner == OWNER_PEMDA:
        return []  # the Pemda's KPIs serve none
    allowed = kpis.parent_choices(year=year, unit=unit, team=team)
    if unit is None and team is None and keep is None:
        # Whose the new KPI is not chosen yet: what anyone's could serve.
        allowed = Kpi.objects.filter(year=year, team__isnull=True).filter(unit__parent__isnull=True)
    if keep is not None:
        allowed = allowed.exclude(pk=keep.pk)
    return list(
        allowed.filter(pk__in=Kpi.objects.visible_to(user).values("pk"))
        .select_related("unit")
        .order_by("unit__tree_path", "name")
    )


def _kpi_values(data: dict) -> dict:
    return {
        name: data.get(name)
        for name in (
            "name",
            "measure",
            "direction",
            "annual_target",
            "aggregation",
            "weight",
            "parent",
        )
    }


def _owner_of(request, teams) -> tuple[str, Unit | None, Team | None, int]:
    """Whose the new KPI is, from the form sent or the link followed (?unit=CODE,
    ?tim=ID, ?tahun=YEAR)."""
    source = request.POST if request.method == "POST" else request.GET
    year = year_parse(source.get("year") or source.get("tahun"))
    owner = source.get("owner", "")
    unit = team = None
    code = source.get("unit", "").strip()
    if code and (owner in ("", OWNER_UNIT)):
        unit = kpis.units_managed_by(request.user).filter(code=code).first()
        owner = OWNER_UNIT if unit else owner
    raw_team = source.get("team") or source.get("tim") or ""
    if raw_team.isdigit() and owner in ("", OWNER_TEAM):
        team = next((t for t in teams if t.pk == int(raw_team)), None)
        if team is not None:
            owner = OWNER_TEAM
            year = year if request.method == "POST" else team.year
    if owner == OWNER_PEMDA:
        unit = team = None
    return owner, unit, team, year


@login_required
def kpi_new(request):
    """A new KPI: the Pemda's (admin, leaders), an OPD's or unit's (its head of OPD, the
    admin) or a team's (its lead, the admin, the leaders)."""
    owners = _owners(request.user)
    if not owners:
        raise PermissionDenied(_("You may not add KPIs."))
    teams = list(kpis.teams_managed_by(request.user).order_by("-year", "name"))
    owner, unit, team, year = _owner_of(request, teams)
    initial = {
        "owner": owner or owners[0][0],
        "year": year,
        "unit": unit.code if unit else "",
        "team": team.pk if team else "",
        "weight": "1",
    }
    form = KpiForm(
        request.POST or None,
        initial=initial,
        owners=owners,
        teams=teams,
        parents=_visible_parents(request.user, year=year, unit=unit, team=team, owner=owner),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen_team = None
        if data["owner"] == OWNER_TEAM:
            chosen_team = next((t for t in teams if t.pk == data.get("team")), None)
        try:
            made = kpis.kpi_create(
                by=request.user,
                year=data["year"],
                unit=data.get("unit") if data["owner"] == OWNER_UNIT else None,
                team=chosen_team,
                **_kpi_values(data),
            )
        except KpiError as exc:
            errors_show(form, exc)
        else:
            messages.success(request, _("The KPI has been added; set its monthly targets below."))
            return redirect("activity:kpi_detail", pk=made.pk)
    return render(
        request,
        "activity/kpi/form.html",
        {"form": form, "title": _("New KPI"), "back": reverse("activity:kpi_list")},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def kpi_edit(request, pk):
    kpi = kpis.kpi_get_for_user(request.user, pk, need="manage")
    initial = {
        "name": kpi.name,
        "measure": kpi.measure,
        "direction": kpi.direction,
        "annual_target": number_input(kpi.annual_target),
        "aggregation": kpi.aggregation,
        "weight": number_input(kpi.weight),
        "parent": str(kpi.parent_id or ""),
    }
    parents = _visible_parents(request.user, year=kpi.year, unit=kpi.unit, team=kpi.team, keep=kpi)
    if kpi.parent_id and all(parent.pk != kpi.parent_id for parent in parents):
        parents.append(kpi.parent)
    form = KpiForm(request.POST or None, initial=initial, parents=parents, new=False)
    if request.method == "POST" and form.is_valid():
        try:
            kpis.kpi_update(kpi=kpi, by=request.user, **_kpi_values(form.cleaned_data))
        except KpiError as exc:
            errors_show(form, exc)
        else:
            messages.success(request, _("The KPI has been saved."))
            return redirect("activity:kpi_detail", pk=kpi.pk)
    return render(
        request,
        "activity/kpi/form.html",
        {
            "form": form,
            "kpi": kpi,
            "title": _("Edit KPI"),
            "back": reverse("activity:kpi_detail", args=[kpi.pk]),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def kpi_delete(request, pk):
    kpi = kpis.kpi_get_for_user(request.user, pk, need="manage")
    year = kpi.year
    kpis.kpi_delete(kpi=kpi, by=request.user)
    messages.success(request, _("The KPI has been removed."))
    return redirect(f"{reverse('activity:kpi_list')}?tahun={year}")


# --- One KPI: its months, its chart, its cascade -----------------------------------------------


def _grid_posted(post, prefix: str) -> dict[str, str]:
    """{period code: typed value} of the grid's cells named prefix + code; any code, so a
    wrong one is refused by the service in words rather than dropped."""
    return {key[len(prefix) :]: value for key, value in post.items() if key.startswith(prefix)}


def _grid(kpi: Kpi, months, *, posted=None, errors=None) -> list[dict]:
    posted, errors = posted or {}, errors or {}
    rows = []
    for month in months:
        code = month.code
        target_key, realisation_key = f"{TARGET}{code}", f"{REALISATION}{code}"
        rows.append(
            {
                "code": code,
                "label": month.period.label,
                "short": f"{MONTHS_3[month.period.number].title()}",
                "target_name": target_key,
                "realisation_name": realisation_key,
                "target": posted.get(target_key, number_input(month.target)),
                "realisation": posted.get(realisation_key, number_input(month.realisation)),
                "target_shown": number_show(month.target),
                "realisation_shown": number_show(month.realisation),
                "achievement": month.achievement,
                "target_error": errors.get(f"target:{code}"),
                "realisation_error": errors.get(f"realisation:{code}"),
            }
        )
    return rows


def _chart(kpi: Kpi, months) -> dict:
    return {
        "labels": [MONTHS_3[month.period.number].title() for month in months],
        "achievement": [_chart_number(month.achievement) for month in months],
        "target": [_chart_number(month.target) for month in months],
        "realisation": [_chart_number(month.realisation) for month in months],
        "names": {
            "achievement": _("Achievement (%)"),
            "target": _("Target (%(measure)s)") % {"measure": kpi.measure},
            "realisation": _("Realisation (%(measure)s)") % {"measure": kpi.measure},
        },
    }


def _detail(request, kpi: Kpi, *, status=200, posted=None, errors=None, rhk_form=None):
    months = kpis.kpi_months(kpi)
    kpis.kpi_year_set(kpi, months)
    can_manage = kpis.may_manage_kpi(request.user, kpi)
    children = list(
        Kpi.objects.visible_to(request.user)
        .filter(parent=kpi)
        .select_related("unit", "team")
        .order_by("unit__tree_path", "name")
    )
    linked = list(kpi.rhk.select_related("skp__employee").order_by("skp__employee__name", "pk"))
    lookup = reverse("activity:kpi_rhk_lookup", args=[kpi.pk])
    other = [message for key, message in (errors or {}).items() if key.startswith("period:")]
    return render(
        request,
        "activity/kpi/detail.html",
        {
            "kpi": kpi,
            "owner": _owner_label(kpi),
            "grid": _grid(kpi, months, posted=posted, errors=errors),
            "grid_errors": other,
            "chart": _chart(kpi, months),
            "has_figures": any(m.target is not None for m in months),
            "annual_target": number_show(kpi.annual_target),
            "year_realisation": number_show(kpi.year_realisation),
            "weight": number_show(kpi.weight),
            "children": [(child, _owner_label(child)) for child in children],
            "linked": linked,
            "can_manage": can_manage,
            "can_report": can_manage or kpis.may_report_kpi(request.user, kpi),
            "rhk_form": rhk_form or (RhkLinkForm(lookup_url=lookup) if can_manage else None),
        },
        status=status,
    )


@login_required
def kpi_detail(request, pk):
    """GET: the KPI and its months. POST: the grid (targets for whoever owns the KPI,
    realisations also for the head of its unit), saved whole or not at all."""
    need = "report" if request.method == "POST" else None
    kpi = kpis.kpi_get_for_user(request.user, pk, need=need)
    if request.method != "POST":
        return _detail(request, kpi)
    manages = kpis.may_manage_kpi(request.user, kpi)
    targets = _grid_posted(request.POST, TARGET) if manages else None
    realisations = _grid_posted(request.POST, REALISATION)
    try:
        changed = kpis.kpi_periods_set(
            kpi=kpi, by=request.user, targets=targets, realisations=realisations
        )
    except KpiError as exc:
        messages.error(request, _("Nothing was saved: correct the cells marked below."))
        posted = {key: value for key, value in request.POST.items() if key != "csrfmiddlewaretoken"}
        return _detail(request, kpi, status=400, posted=posted, errors=exc.fields)
    if changed:
        messages.success(
            request,
            ngettext("%(count)s month saved.", "%(count)s months saved.", changed)
            % {"count": changed},
        )
    else:
        messages.info(request, _("Nothing had changed."))
    return redirect("activity:kpi_detail", pk=kpi.pk)


@login_required
@require_POST
def kpi_rhk_link(request, pk):
    kpi = kpis.kpi_get_for_user(request.user, pk, need="manage")
    form = RhkLinkForm(request.POST, lookup_url=reverse("activity:kpi_rhk_lookup", args=[kpi.pk]))
    if not form.is_valid():
        form.add_error(None, _("Choose an RHK from the list."))
        return _detail(request, kpi, status=400, rhk_form=form)
    try:
        found = kpis.kpi_rhk_link(kpi=kpi, by=request.user, rhk=form.cleaned_data["rhk"])
    except KpiError as exc:
        errors_show(form, exc)
        return _detail(request, kpi, status=400, rhk_form=form)
    messages.success(
        request,
        _("The KPI now cascades into the RHK of %(name)s.") % {"name": found.skp.employee.name},
    )
    return redirect(f"{reverse('activity:kpi_detail', args=[kpi.pk])}#rhk")


@login_required
@require_POST
def kpi_rhk_unlink(request, pk, rhk_pk):
    kpi = kpis.kpi_get_for_user(request.user, pk, need="manage")
    try:
        kpis.kpi_rhk_unlink(kpi=kpi, by=request.user, rhk=rhk_pk)
    except KpiError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The RHK is no longer linked to the KPI."))
    return redirect(f"{reverse('activity:kpi_detail', args=[kpi.pk])}#rhk")


@login_required
@require_GET
def kpi_rhk_lookup(request, pk):
    """The RHK the KPI may cascade into, for its owner's search box."""
    kpi = kpis.kpi_get_for_user(request.user, pk, need="manage")
    found = kpis.rhk_choices(kpi, request.GET.get("q", ""))[: kpis.LOOKUP_LIMIT]
    results = [
        {
            "value": rhk.pk,
            "text": f"{rhk.skp.employee.name} ({rhk.skp.employee.nip}): {rhk.text[:150]}",
        }
        for rhk in found
    ]
    return JsonResponse({"results": results})


# --- What credits me -------------------------------------------------------------------------


def _month_choices(chosen: Period) -> list[Period]:
    current = Period(PeriodKind.MONTHLY, timezone.localdate().year, timezone.localdate().month)
    months, period = [], current
    for _step in range(MONTHS_BACK + 1):
        months.append(period)
        period = period.previous()
    if chosen not in months:
        months.append(chosen)
    return months


@login_required
@require_GET
def kpi_mine(request):
    """The KPIs that credit me in a month (my unit's line up to the OPD, my teams), with
    the IKO of my OPD and of my unit."""
    me = employee_of(request.user)
    today = timezone.localdate()
    try:
        month = Period.parse(request.GET.get("periode", ""))
    except ValueError:
        month = None
    if month is None or month.kind != PeriodKind.MONTHLY:
        month = Period(PeriodKind.MONTHLY, today.year, today.month)
    context = {"month": month, "months": _month_choices(month), "me": me}
    if me is not None:
        unit = Unit.objects.select_related("opd").get(pk=me.unit_id)
        credits = kpis.kpis_crediting(me, month.code)
        context.update(
            {
                "unit": unit,
                "credits": [
                    {
                        "credit": credit,
                        "owner": _owner_label(credit.kpi),
                        "target": number_show(credit.target),
                        "realisation": number_show(credit.realisation),
                    }
                    for credit in credits
                ],
                # What the monthly index computes (indices.person_indices: the same KPIs,
                # tests/activity/test_freshness.py holds the two to agreeing).
                "my_index": rules.organisation_index(
                    (credit.kpi.weight, credit.achievement) for credit in credits
                ),
                "opd_index": kpis.organisation_index_of(unit.opd or unit, month.code),
                "unit_index": (
                    kpis.organisation_index_of(unit, month.code) if unit.parent_id else None
                ),
            }
        )
    return render(request, "activity/kpi/mine.html", context)


# --- Teams ---------------------------------------------------------------------------------


@login_required
def team_list(request):
    """The teams of a year the user sees; the admin, leaders and heads of OPD set one up."""
    may_create = kpis.may_create_team(request.user)
    if request.method == "POST" and not may_create:
        raise PermissionDenied(_("Only the admin, the leaders and the heads of OPD set up teams."))
    year = year_parse(request.POST.get("year") or request.GET.get("tahun"))
    form = TeamForm(request.POST or None, initial={"year": year}) if may_create else None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            team = kpis.team_create(
                by=request.user, name=data["name"], year=data["year"], lead=data.get("lead")
            )
        except KpiError as exc:
            errors_show(form, exc)
        else:
            messages.success(request, _("The team has been set up; add its members."))
            return redirect("activity:team_detail", pk=team.pk)
    teams = (
        Team.objects.visible_to(request.user)
        .filter(year=year)
        .select_related("lead")
        .annotate(
            member_count=Count("members", distinct=True), kpi_count=Count("kpis", distinct=True)
        )
        .order_by("name")
    )
    years = sorted(
        {
            *Team.objects.visible_to(request.user).values_list("year", flat=True).distinct(),
            year,
            timezone.localdate().year,
        },
        reverse=True,
    )
    return render(
        request,
        "activity/kpi/teams.html",
        {"teams": teams, "year": year, "years": years, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _team_page(request, team: Team, *, status=200, members_form=None):
    can_manage = kpis.may_manage_team(request.user, team)
    members = list(
        team.members.select_related("unit", "unit__opd", "position").order_by("name", "nip")
    )
    team_kpis = kpis.kpi_rows(
        Kpi.objects.filter(team=team)
        .select_related("unit", "team")
        .prefetch_related(Prefetch("periods", queryset=KpiPeriod.objects.order_by("period")))
        .order_by("name")
    )
    if can_manage and members_form is None:
        members_form = MembersForm(lookup_url=_team_lookup(team))
    return render(
        request,
        "activity/kpi/team.html",
        {
            "team": team,
            "members": members,
            "opd_count": len({m.unit.opd_id or m.unit_id for m in members}),
            "rows": [_row(kpi) for kpi in team_kpis],
            "can_manage": can_manage,
            "members_form": members_form if can_manage else None,
        },
        status=status,
    )


def _team_lookup(team: Team) -> str:
    return reverse("activity:team_people_lookup", args=[team.pk])


@login_required
@require_GET
def team_detail(request, pk):
    return _team_page(request, kpis.team_get_for_user(request.user, pk))


@login_required
def team_edit(request, pk):
    team = kpis.team_get_for_user(request.user, pk, manage=True)
    initial = {"name": team.name, "lead": team.lead.nip if team.lead else ""}
    form = TeamForm(request.POST or None, initial=initial, new=False)
    if request.method == "POST" and form.is_valid():
        try:
            kpis.team_update(
                team=team,
                by=request.user,
                name=form.cleaned_data["name"],
                lead=form.cleaned_data.get("lead"),
            )
        except KpiError as exc:
            errors_show(form, exc)
        else:
            messages.success(request, _("The team has been saved."))
            if Team.objects.visible_to(request.user).filter(pk=team.pk).exists():
                return redirect("activity:team_detail", pk=team.pk)
            return redirect("activity:team_list")
    return render(
        request,
        "activity/kpi/team_form.html",
        {
            "form": form,
            "team": team,
            "title": _("Edit team"),
            "back": reverse("activity:team_detail", args=[team.pk]),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def team_delete(request, pk):
    team = kpis.team_get_for_user(request.user, pk, manage=True)
    try:
        kpis.team_delete(team=team, by=request.user)
    except KpiError as exc:
        messages.error(request, str(exc))
        return redirect("activity:team_detail", pk=team.pk)
    messages.success(request, _("The team has been removed."))
    return redirect(f"{reverse('activity:team_list')}?tahun={team.year}")


@login_required
@require_POST
def team_members_add(request, pk):
    team = kpis.team_get_for_user(request.user, pk, manage=True)
    form = MembersForm(request.POST, lookup_url=_team_lookup(team))
    if form.is_valid():
        try:
            added = kpis.team_members_add(team=team, by=request.user, nips=form.nip_list())
        except KpiError as exc:
            form.add_error("nips" if exc.fields else None, str(exc))
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s person added to the team.",
                    "%(count)s people added to the team.",
                    len(added),
                )
                % {"count": len(added)},
            )
            return redirect(f"{reverse('activity:team_detail', args=[team.pk])}#members")
    return _team_page(request, team, status=400, members_form=form)


@login_required
@require_POST
def team_member_remove(request, pk, employee_pk):
    team = kpis.team_get_for_user(request.user, pk, manage=True)
    try:
        kpis.team_member_remove(team=team, by=request.user, employee=employee_pk)
    except KpiError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The person has been removed from the team."))
    return redirect(f"{reverse('activity:team_detail', args=[team.pk])}#members")


def _people(found) -> JsonResponse:
    results = [
        {
            "value": person.nip,
            "text": f"{person.name} ({person.nip}) — {(person.unit.opd or person.unit).name}",
        }
        for person in found
    ]
    return JsonResponse({"results": results})


@login_required
@require_GET
def people_lookup(request):
    """Active employees of the whole Pemda by name or NIP, for whoever sets up or manages a
    team (a team crosses OPD): the lead of a team."""
    if not (kpis.may_create_team(request.user) or kpis.teams_managed_by(request.user).exists()):
        raise PermissionDenied
    return _people(kpis.team_member_choices(None, request.GET.get("q", "")))


@login_required
@require_GET
def team_people_lookup(request, pk):
    """The same, without the team's members, for its managers."""
    team = kpis.team_get_for_user(request.user, pk, manage=True)
    return _people(kpis.team_member_choices(team, request.GET.get("q", "")))
