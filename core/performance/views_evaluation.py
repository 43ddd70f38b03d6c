"""Pages of the evaluations: the inbox of what waits for me, and one evaluation with its
realisation, evidence, feedback and ratings. Every page reads through the org scopes
(``object_get_for_user``: 404 unseen, 403 seen but not allowed) and writes through one
service of core/performance/evaluation.py."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.audit.selectors import audit_for_object
from core.config.periods import Period, PeriodKind
from core.org.access import employee_of, object_get_for_user
from core.org.models import Employee
from core.performance import evaluation as services
from core.performance import starting
from core.performance.access import may_rate
from core.performance.content import evaluation_content
from core.performance.forms_evaluation import (
    EvidenceForm,
    FeedbackForm,
    RateForm,
    RealisationForm,
    ReturnForm,
    VersionForm,
)
from core.performance.models import BehaviourRating, Evaluation, Evidence, Feedback, Rhk, Skp
from core.performance.rules import (
    Approach,
    BerAkhlak,
    EvaluationState,
    PerformanceError,
    Predikat,
    Rating,
)
from core.performance.services import periods_of_year

TEAM_MAX = 200
FEEDBACK_SHOWN = 100
YEAR_RANGE = (2000, 2100)
RATED = (EvaluationState.EVALUATED, EvaluationState.FINAL)


def _period_label(code: str) -> str:
    try:
        return Period.parse(code).label
    except ValueError:
        return code


def _evaluation_get(request, pk, *, need=None):
    evaluation, access = object_get_for_user(
        Evaluation.objects.select_related(
            "skp__employee__position", "skp__employee__unit", "opd", "unit"
        ),
        request.user,
        pk,
        need=need,
    )
    return evaluation, access


def _year(request) -> int:
    try:
        year = int(request.GET.get("tahun", ""))
    except ValueError:
        return timezone.localdate().year
    return year if YEAR_RANGE[0] <= year <= YEAR_RANGE[1] else timezone.localdate().year


# --- Inbox --------------------------------------------------------------------------------


@login_required
@require_GET
def inbox(request):
    """What waits for me (to submit, to rate), my evaluations of a year period by period, and
    where each person I appraise stands in a period."""
    me = employee_of(request.user)
    year = _year(request)
    periods = periods_of_year(year)
    waiting = list(services.evaluations_waiting_for(request.user)[:200]) if me else []
    mine = [e for e in waiting if me and e.skp.employee_id == me.pk]
    to_rate = [e for e in waiting if me and e.skp.employee_id != me.pk]
    for evaluation in waiting:
        evaluation.period_label = _period_label(evaluation.period)

    my_rows, skp = [], None
    if me is not None:
        skp = Skp.objects.filter(employee=me, year=year).first()
        states = (
            {
                e.period: e
                for e in Evaluation.objects.filter(skp=skp).only(
                    "pk", "period", "state", "predikat", "skp_id"
                )
            }
            if skp
            else {}
        )
        my_rows = [(p, states.get(p.code)) for p in periods]

    codes = [p.code for p in periods]
    chosen = request.GET.get("periode", "")
    if chosen not in codes:
        today = timezone.localdate()
        chosen = next(
            (p.code for p in periods if p.kind != PeriodKind.ANNUAL and p.contains(today)),
            codes[0],
        )
    team = []
    if me is not None:
        evaluations = Evaluation.objects.filter(
            skp__employee=OuterRef("pk"), skp__year=year, period=chosen
        )
        team = list(
            Employee.objects.appraisable_by(request.user)
            .exclude(pk=me.pk)
            .select_related("position")
            .annotate(
                skp_pk=Subquery(
                    Skp.objects.filter(employee=OuterRef("pk"), year=year).values("pk")[:1]
                ),
                evaluation_pk=Subquery(evaluations.values("pk")[:1]),
                evaluation_state=Subquery(evaluations.values("state")[:1]),
                evaluation_predikat=Subquery(evaluations.values("predikat")[:1]),
            )
            .order_by("name")[:TEAM_MAX]
        )
        for person in team:
            person.state_label = (
                EvaluationState(person.evaluation_state).label if person.evaluation_state else ""
            )
            person.predikat_label = (
                Predikat(person.evaluation_predikat).label if person.evaluation_predikat else ""
            )
    return render(
        request,
        "performance/evaluation/inbox.html",
        {
            "me": me,
            "year": year,
            "years": [year - 1, year, year + 1],
            "periods": periods,
            "chosen": chosen,
            "chosen_label": _period_label(chosen),
            "mine": mine,
            "to_rate": to_rate,
            "my_rows": my_rows,
            "skp": skp,
            "team": team,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_open(request, skp_pk, period):
    """The evaluation of an SKP in a period. A GET only reads: an evaluation not started yet
    is offered with a button, and its owner or appraiser starts it with a POST (a link
    followed, prefetched or crafted elsewhere must not create records)."""
    skp, _access = object_get_for_user(Skp.objects.select_related("employee"), request.user, skp_pk)
    try:
        starting.evaluation_period_check(skp=skp, period=period)
    except PerformanceError as exc:
        messages.error(request, str(exc))
        return redirect("performance:inbox")
    existing = Evaluation.objects.filter(skp=skp, period=period).values_list("pk", flat=True)
    if existing:
        return redirect("performance:evaluation_detail", pk=existing[0])
    if not starting.may_start(request.user, skp):
        messages.info(
            request,
            _("%(name)s has not started the evaluation of %(period)s yet.")
            % {"name": skp.employee.name, "period": _period_label(period)},
        )
        return redirect("performance:inbox")
    if request.method != "POST":
        return render(
            request,
            "performance/evaluation/start.html",
            {"skp": skp, "period": period, "period_label": _period_label(period)},
        )
    evaluation = starting.evaluation_start(skp=skp, period=period, by=request.user)
    return redirect("performance:evaluation_detail", pk=evaluation.pk)


# --- One evaluation -----------------------------------------------------------------------


def _detail(request, evaluation, access, *, status=200, **refused):
    """The page of one evaluation: what each reader may do decides which forms it shows;
    ``refused`` are bound forms refused a moment ago, shown with their errors."""
    user = request.user
    skp = evaluation.skp
    state = evaluation.state
    editable = access.own and state in services.EDITABLE_STATES
    rater = may_rate(user, evaluation)
    can_rate = rater and state == EvaluationState.SUBMITTED
    can_return = rater and state in (EvaluationState.SUBMITTED, EvaluationState.EVALUATED)
    can_feedback = access.own or access.appraise

    # Once rated, the copy of what was rated (the SKP may have been revised since).
    rhks, realisations = evaluation_content(evaluation)
    indicators = [iki for rhk in rhks for iki in rhk.iki.all()]
    realisation_form = None
    if editable:
        realisation_form = refused.get("realisation_form") or RealisationForm(
            indicators=indicators,
            realisations=realisations,
            initial={"version": evaluation.version},
        )
    fields = realisation_form.rows() if realisation_form else {}
    table = [
        (
            rhk,
            [
                (iki, realisations.get(iki.pk), *fields.get(iki.pk, (None, None)))
                for iki in rhk.iki.all()
            ],
        )
        for rhk in rhks
    ]

    behaviours = {}
    if state in RATED or can_rate:
        behaviours = {b.value: b for b in BehaviourRating.objects.filter(evaluation=evaluation)}
    live_rhks = rhks if not evaluation.content else list(Rhk.objects.filter(skp=skp))
    rated = (
        [(label, behaviours.get(value)) for value, label in BerAkhlak.choices]
        if state in RATED
        else []
    )

    rate_form = None
    hasil_default = None
    if can_rate:
        hasil_default = services.evaluation_hasil_default(evaluation)
        initial = {"version": evaluation.version, "hasil": hasil_default or ""}
        for value in BerAkhlak.values:
            if value in behaviours:
                initial[f"rating_{value}"] = behaviours[value].rating
                initial[f"expectation_{value}"] = behaviours[value].expectation
        rate_form = refused.get("rate_form") or RateForm(initial=initial)

    matrix_rows, matrix_table = [], None
    if state in RATED or can_rate:
        matrix, matrix_table = services.predikat_matrix_current()
        levels = [Rating.DI_ATAS, Rating.SESUAI, Rating.DI_BAWAH]
        matrix_rows = [
            (
                hasil,
                [
                    (
                        perilaku,
                        _predikat_label(matrix.get(hasil, {}).get(perilaku)),
                        hasil == evaluation.hasil and perilaku == evaluation.perilaku,
                    )
                    for perilaku in reversed(levels)
                ],
            )
            for hasil in levels
        ]

    states = dict(Evaluation.objects.filter(skp=skp).values_list("period", "state"))
    periods = [
        (p, EvaluationState(states[p.code]).label if p.code in states else "")
        for p in periods_of_year(skp.year)
    ]

    context = {
        "evaluation": evaluation,
        "skp": skp,
        "employee": skp.employee,
        "access": access,
        "period_label": _period_label(evaluation.period),
        "periods": periods,
        "table": table,
        "rhks": rhks,
        "indicators": indicators,
        "editable": editable,
        "can_rate": can_rate,
        "can_return": can_return,
        "can_feedback": can_feedback,
        "realisation_form": realisation_form,
        "submit_form": VersionForm(initial={"version": evaluation.version}),
        "evidence": list(evaluation.evidence.select_related("rhk")),
        "evidence_form": (
            refused.get("evidence_form") or EvidenceForm(rhks=[rhk for rhk in live_rhks if rhk.pk])
        )
        if services.evidence_may_add(user, evaluation)
        else None,
        "evidence_removable": editable,
        "feedback": list(Feedback.objects.filter(skp=skp).select_related("rhk")[:FEEDBACK_SHOWN]),
        "feedback_form": (refused.get("feedback_form") or FeedbackForm(rhks=live_rhks))
        if can_feedback
        else None,
        "rated": rated,
        "rate_form": rate_form,
        "hasil_default": hasil_default,
        "return_form": (
            refused.get("return_form") or ReturnForm(initial={"version": evaluation.version})
        )
        if can_return
        else None,
        "matrix_rows": matrix_rows,
        "matrix_table": matrix_table,
        "history": audit_for_object(evaluation),
        "approach_qualitative": Approach.KUALITATIF,
    }
    for name, form in refused.items():
        if context.get(name) is not form:  # the page no longer offers it: say why anyway
            for error in form.non_field_errors():
                messages.error(request, error)
    return render(request, "performance/evaluation/detail.html", context, status=status)


def _predikat_label(value) -> str:
    return str(Predikat(value).label) if value in Predikat.values else "—"


@login_required
@require_GET
def evaluation_detail(request, pk):
    evaluation, access = _evaluation_get(request, pk)
    return _detail(request, evaluation, access)


def _done(request, evaluation, message):
    messages.success(request, message)
    return redirect("performance:evaluation_detail", pk=evaluation.pk)


def _form_post(request, evaluation, access, form, *, name, save, done):
    """A form POSTed from the evaluation page: when valid, save(cleaned_data) and back to the
    page with ``done``; invalid or refused, the page again with ``name``=form (status 400)."""
    if form.is_valid():
        try:
            save(form.cleaned_data)
        except PerformanceError as exc:
            form.add_error(None, str(exc))
        else:
            return _done(request, evaluation, done)
    return _detail(request, evaluation, access, status=400, **{name: form})


@login_required
@require_POST
def evaluation_save(request, pk):
    """The owner's realisation of every IKI, saved together (all or nothing); with
    ``action=submit`` the evaluation is then submitted (what was saved stays saved if the
    submit is refused)."""
    evaluation, access = _evaluation_get(request, pk, need="own")
    if evaluation.state not in services.EDITABLE_STATES:
        messages.error(request, _not_editable(evaluation))
        return redirect("performance:evaluation_detail", pk=evaluation.pk)
    rhks = Rhk.objects.filter(skp=evaluation.skp_id).prefetch_related("iki")
    indicators = [iki for rhk in rhks for iki in rhk.iki.all()]
    realisations = {r.iki_id: r for r in evaluation.realisations.all()}
    form = RealisationForm(request.POST, indicators=indicators, realisations=realisations)
    if form.is_valid():
        try:
            with transaction.atomic():
                _realisations_save(form, evaluation, request.user, indicators, realisations)
                if form.errors:
                    raise _Refused
        except _Refused:
            pass
        else:
            if request.POST.get("action") != "submit":
                return _done(request, evaluation, _("The realisation has been saved."))
            try:
                services.evaluation_submit(
                    evaluation=evaluation, by=request.user, version=form.cleaned_data["version"]
                )
            except PerformanceError as exc:
                form.add_error(None, str(exc))
            else:
                return _done(request, evaluation, _("The evaluation has been submitted."))
    evaluation.refresh_from_db()
    return _detail(request, evaluation, access, status=400, realisation_form=form)


def _not_editable(evaluation) -> str:
    if evaluation.state == EvaluationState.SUBMITTED:
        return _("This evaluation has already been submitted.")
    return _("This evaluation is %(state)s; its realisation can no longer change.") % {
        "state": evaluation.get_state_display()
    }


class _Refused(Exception):
    """Some realisation was refused: undo the others."""


def _realisations_save(form, evaluation, user, indicators, realisations) -> None:
    """The changed realisations, saved together (core.performance.evaluation
    .realisations_set); a refused one is shown at its field."""
    changed = []
    for iki in indicators:
        value = form.cleaned_data.get(f"value_{iki.pk}", "")
        text = form.cleaned_data.get(f"text_{iki.pk}", "")
        done = realisations.get(iki.pk)
        if done is None and not value and not text:
            continue
        if done is not None and _same((done.value, done.text), value, text):
            continue
        changed.append((iki, value or None, text))
    if not changed:
        return
    try:
        refused = services.realisations_set(evaluation=evaluation, by=user, items=changed)
    except PerformanceError as exc:
        form.add_error(None, str(exc))
        return
    for index, message in refused.items():
        iki = changed[index][0]
        field = f"value_{iki.pk}" if f"value_{iki.pk}" in form.fields else f"text_{iki.pk}"
        form.add_error(field, message)


def _same(before, value, text) -> bool:
    old_value, old_text = before
    try:
        new_value = Decimal(value.replace(",", ".")) if value else None
    except InvalidOperation:
        return False
    if new_value is not None and not new_value.is_finite():
        return False  # NaN or infinity: the service refuses it with a message
    return old_value == new_value and old_text == text.strip()


@login_required
@require_POST
def evaluation_submit(request, pk):
    evaluation, access = _evaluation_get(request, pk, need="own")
    form = VersionForm(request.POST)
    if form.is_valid():
        try:
            services.evaluation_submit(
                evaluation=evaluation, by=request.user, version=form.cleaned_data["version"]
            )
        except PerformanceError as exc:
            messages.error(request, str(exc))
            return _detail(request, evaluation, access, status=400)
        return _done(request, evaluation, _("The evaluation has been submitted."))
    messages.error(request, _("Reload the page and try again."))
    return _detail(request, evaluation, access, status=400)


@login_required
@require_POST
def evaluation_rate(request, pk):
    evaluation, access = _evaluation_get(request, pk, need="appraise")
    form = RateForm(request.POST)
    return _form_post(
        request,
        evaluation,
        access,
        form,
        name="rate_form",
        save=lambda data: services.evaluation_rate(
            evaluation=evaluation,
            by=request.user,
            hasil=data["hasil"],
            behaviours=form.behaviours(),
            expectations=form.expectations(),
            note=data["note"],
            version=data["version"],
        ),
        done=_("The evaluation has been rated."),
    )


@login_required
@require_POST
def evaluation_return(request, pk):
    evaluation, access = _evaluation_get(request, pk, need="appraise")
    form = ReturnForm(request.POST)
    return _form_post(
        request,
        evaluation,
        access,
        form,
        name="return_form",
        save=lambda data: services.evaluation_return(
            evaluation=evaluation,
            by=request.user,
            note=data["note"],
            version=data["version"],
        ),
        done=_("The evaluation has been returned for revision."),
    )


@login_required
@require_POST
def evidence_add(request, pk):
    evaluation, access = _evaluation_get(request, pk, need="own")
    rhks = list(Rhk.objects.filter(skp=evaluation.skp_id))
    form = EvidenceForm(request.POST, request.FILES, rhks=rhks)
    return _form_post(
        request,
        evaluation,
        access,
        form,
        name="evidence_form",
        save=lambda data: services.evidence_add(
            evaluation=evaluation,
            by=request.user,
            file=data["file"],
            link=data["link"],
            note=data["note"],
            rhk=data["rhk"],
        ),
        done=_("The evidence has been added."),
    )


def _evidence_get(request, pk, evidence_pk, *, need=None):
    evaluation, access = _evaluation_get(request, pk, need=need)
    evidence = Evidence.objects.filter(pk=evidence_pk, evaluation=evaluation).first()
    if evidence is None:
        raise Http404
    evidence.evaluation = evaluation
    return evaluation, access, evidence


@login_required
@require_POST
def evidence_delete(request, pk, evidence_pk):
    evaluation, _access, evidence = _evidence_get(request, pk, evidence_pk, need="own")
    try:
        services.evidence_delete(evidence=evidence, by=request.user)
    except PerformanceError as exc:
        messages.error(request, str(exc))
        return redirect("performance:evaluation_detail", pk=evaluation.pk)
    return _done(request, evaluation, _("The evidence has been removed."))


@login_required
@require_GET
def evidence_file(request, pk, evidence_pk):
    """An evidence file, for whoever may read the evaluation; always a download, with the
    type its content was checked to be."""
    _evaluation, _access, evidence = _evidence_get(request, pk, evidence_pk)
    return evidence_file_response(evidence)


def evidence_file_response(evidence: Evidence) -> FileResponse:
    """The file of ``evidence`` (fetched through its evaluation's scope), streamed as a
    download with the type its content was checked to be (never shown inline); 404 for a
    link or a file gone from storage. The page and the API serve it so."""
    if not evidence.file:
        raise Http404
    kind = evidence.file.name.rsplit(".", 1)[-1].lower()
    try:
        handle = evidence.file.open("rb")
    except OSError:
        raise Http404 from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.file_name or f"bukti.{kind}",
        content_type=services.EVIDENCE_TYPES.get(kind, "application/octet-stream"),
    )


@login_required
@require_POST
def feedback_add(request, pk):
    evaluation, access = _evaluation_get(request, pk)
    if not (access.own or access.appraise):
        raise PermissionDenied
    rhks = list(Rhk.objects.filter(skp=evaluation.skp_id))
    form = FeedbackForm(request.POST, rhks=rhks)
    return _form_post(
        request,
        evaluation,
        access,
        form,
        name="feedback_form",
        save=lambda data: services.feedback_add(
            skp=evaluation.skp,
            by=request.user,
            text=data["text"],
            rhk=data["rhk"],
        ),
        done=_("Your feedback has been added."),
    )
