"""The evaluation of an SKP per period (PermenPANRB 6/2022; DOMAIN.md §2): the owner's
realisation and evidence, feedback, and the workflow draft → submitted → evaluated (with
return for revision) that ends in the appraiser's ratings and the predikat.

Every state change is a compare-and-set on ``Evaluation.version``: the caller passes the
version it showed, and the change happens only if nobody changed the evaluation since
(``filter(pk, state, version).update(..., version=F("version") + 1) == 1``). A stale version
or a second submit changes nothing and says so. The owner's content (realisation, evidence)
may change only while the evaluation is a draft or returned; it is written with the row
locked, so it cannot slip in after a submit.

Locks, always taken in this order (so two of these never wait on each other): the SKP
(rating and returning, as the RHK and IKI services do: an edit of the SKP and a rating of it
come one after the other, and an edit after a rating is refused), then the OPD's period
(``UnitPeriod``: submitting, rating and returning are refused once it is final, and
finalising waits for them), then the evaluation.
"""

from __future__ import annotations

import logging
import posixpath
import uuid
import zipfile
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit.services import audit_record
from core.config.periods import Period, PeriodKind, period_of
from core.config.selectors import evaluation_period_kind, rule_table_current
from core.org.access import access_for, appraisees_q, employee_of
from core.performance.access import may_rate, may_submit, unit_head_evaluations
from core.performance.audit import EVALUATION_RATE, EVALUATION_RETURN, EVALUATION_SUBMIT
from core.performance.content import content_taken
from core.performance.followers import evaluation_changed
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
    UnitPeriodState,
)
from core.performance.rules import (
    DEFAULT_MATRIX,
    TARGET_MAX,
    TEXT_MAX,
    TRANSITIONS,
    Approach,
    BerAkhlak,
    EvaluationState,
    PerformanceError,
    Predikat,
    Rating,
    hasil_of_unit_head,
    perilaku_overall,
    predikat,
    rating_parse,
    transition_target,
)
from core.performance.services import evaluation_snapshot

logger = logging.getLogger(__name__)

EDITABLE_STATES = (EvaluationState.DRAFT, EvaluationState.RETURNED)
MEGABYTE = 1024 * 1024
EVIDENCE_MAX_BYTES = 10 * MEGABYTE
EVIDENCE_MAX_PER_EVALUATION = 50
EVIDENCE_NOTE_MAX = 500
EVIDENCE_LINK_MAX = 500
EVIDENCE_NAME_MAX = 200
PREDIKAT_MATRIX = "predikat_matrix"

# The file types evidence may be, by what their content starts with (the extension alone
# says nothing: anything can be named .jpg). Office files are zip archives told apart by
# the part their index names.
EVIDENCE_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
_EXTENSIONS = {
    ".pdf": "pdf",
    ".jpg": "jpg",
    ".jpeg": "jpg",
    ".png": "png",
    ".xlsx": "xlsx",
    ".docx": "docx",
}
_OFFICE_PART = {"xlsx": "xl/workbook.xml", "docx": "word/document.xml"}


# --- Helpers ------------------------------------------------------------------------------


def _version_parse(evaluation: Evaluation, version, action: str) -> int:
    """The version the caller saw; one other than the evaluation's means someone changed it
    since (a second rater, another tab): that is said before anything else."""
    try:
        if isinstance(version, bool):
            raise TypeError
        version = int(version)
    except (TypeError, ValueError):
        raise PerformanceError(_("Reload the page and try again.")) from None
    if version != evaluation.version:
        raise _changed_meanwhile(evaluation, action)
    return version


def _text(value, *, what: str, required: bool = False, limit: int = TEXT_MAX) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else None
    if text is None:
        raise PerformanceError(_("%(what)s must be text.") % {"what": what})
    if required and not text:
        raise PerformanceError(_("Write %(what)s.") % {"what": what})
    if len(text) > limit:
        raise PerformanceError(
            _("%(what)s: at most %(n)s characters.") % {"what": what, "n": limit}
        )
    if "\x00" in text:
        raise PerformanceError(_("%(what)s holds a character that is not text.") % {"what": what})
    return text


def _changed_meanwhile(evaluation: Evaluation, action: str) -> PerformanceError:
    """Why a compare-and-set found nothing to change: a double submit, or a change by
    someone else (or in another tab) since the page was shown."""
    current = Evaluation.objects.filter(pk=evaluation.pk).values_list("state", flat=True).first()
    if action == "submit" and current == EvaluationState.SUBMITTED:
        return PerformanceError(_("This evaluation has already been submitted."))
    return PerformanceError(
        _(
            "This evaluation was changed meanwhile (by someone else or in another tab); "
            "reload the page and try again."
        )
    )


def _transition(evaluation: Evaluation, action: str, version: int, **changes) -> bool:
    """The compare-and-set of one transition; True when it happened."""
    sources = TRANSITIONS[action][0]
    return (
        Evaluation.objects.filter(pk=evaluation.pk, state__in=sources, version=version).update(
            version=F("version") + 1, updated_at=timezone.now(), **changes
        )
        == 1
    )


def _locked_editable(evaluation: Evaluation, by) -> Evaluation:
    """The evaluation's row, locked until the end of the transaction, when ``by`` is its
    owner and it may still change (draft or returned)."""
    if not may_submit(by, evaluation):
        raise PermissionDenied(_("Only the owner of the evaluation may change it."))
    locked = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    if locked.state not in EDITABLE_STATES:
        raise PerformanceError(
            _(
                "This evaluation is %(state)s; realisation and evidence change only while it "
                "is a draft or returned for revision."
            )
            % {"state": EvaluationState(locked.state).label}
        )
    return locked


def _skp_lock(evaluation: Evaluation) -> None:
    """Lock the evaluation's SKP until the end of the transaction: the RHK and IKI services
    lock it too before they check that no evaluation of it is rated
    (core.performance.services.skp_content_locked), so an edit and a rating never pass
    each other."""
    list(Skp.objects.select_for_update().filter(pk=evaluation.skp_id).values_list("pk"))


def _period_open_check(evaluation: Evaluation, *, now: bool = True) -> None:
    """Refuse when the period of the evaluation's OPD is final: the OPD it is recorded with
    and, with ``now``, the one its owner is in now (where a submit or a rating records it,
    see evaluation_snapshot). The OPD's period rows are locked, so a finalisation waits for
    this transaction and then sees what it did."""
    ids = {evaluation.opd_id}
    if now:
        unit = evaluation.skp.employee.unit
        ids.add(unit.opd_id if unit else None)
    ids = sorted(pk for pk in ids if pk is not None)
    if not ids:
        return
    states = list(
        UnitPeriod.objects.select_for_update()
        .filter(opd_id__in=ids, period=evaluation.period)
        .order_by("pk")
        .values_list("state", flat=True)
    )
    if UnitPeriodState.FINAL in states:
        raise PerformanceError(
            _(
                "The OPD's period has been finalised: its evaluations of %(period)s can no "
                "longer be submitted, rated or returned."
            )
            % {"period": evaluation.period}
        )


def _rhk_of(evaluation: Evaluation, rhk) -> Rhk | None:
    if rhk in (None, ""):
        return None
    rhk_id = rhk.pk if isinstance(rhk, Rhk) else rhk
    found = Rhk.objects.filter(pk=rhk_id, skp_id=evaluation.skp_id).first()
    if found is None:
        raise PerformanceError(_("Choose an RHK of this SKP."))
    return found


# --- Realisation, evidence, feedback ------------------------------------------------------


def _realisation_value(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise PerformanceError(_("The realisation must be a number."))
    if number < 0 or number > TARGET_MAX:
        raise PerformanceError(_("The realisation must be between 0 and 999,999,999,999."))
    return number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _realisation_checked(iki: Iki, value, text) -> tuple[Decimal | None, str]:
    """A realisation of ``iki`` as stored: a number for a quantitative IKI (with an optional
    note), a description for a qualitative one; refused with the reason otherwise."""
    text = _text(text, what=_("the realisation"))
    number = _realisation_value(value)
    if iki.approach == Approach.KUALITATIF and number is not None:
        raise PerformanceError(_("A qualitative indicator is realised in words, not a number."))
    return number, text


@transaction.atomic
def realisations_set(
    *, evaluation: Evaluation, by, items, clear_others: bool = False
) -> dict[int, str]:
    """What each IKI reached in the evaluation's period, for many IKI at once, all or
    nothing. ``items`` are (iki or its id, value, text); with ``clear_others`` the IKI not
    listed are cleared. The owner, while the evaluation is a draft or returned (checked
    and locked once). Returns the refusals by the index of the item ({}: all saved); with
    any refusal nothing is saved. Four statements whatever the number of IKI. (A draft's
    realisations are not reported yet: its followers hear of them when it is submitted.)"""
    _locked_editable(evaluation, by)
    indicators = Iki.objects.filter(rhk__skp_id=evaluation.skp_id).in_bulk()
    refused: dict[int, str] = {}
    rows: dict[int, Realisation] = {}
    for n, (iki, value, text) in enumerate(items):
        found = indicators.get(iki.pk if isinstance(iki, Iki) else iki)
        if found is None:
            refused[n] = _("This indicator is not on the SKP of this evaluation.")
            continue
        try:
            number, words = _realisation_checked(found, value, text)
        except PerformanceError as exc:
            refused[n] = str(exc)
            continue
        rows[found.pk] = Realisation(
            evaluation_id=evaluation.pk, iki_id=found.pk, value=number, text=words
        )
    if refused:
        return refused
    if rows:
        Realisation.objects.bulk_create(
            list(rows.values()),
            update_conflicts=True,
            unique_fields=["evaluation", "iki"],
            update_fields=["value", "text"],
        )
    if clear_others:
        Realisation.objects.filter(evaluation=evaluation).exclude(iki_id__in=list(rows)).update(
            value=None, text=""
        )
    return {}


def realisation_set(*, evaluation: Evaluation, by, iki: Iki, value=None, text="") -> Realisation:
    """What ``iki`` reached in the evaluation's period (``realisations_set`` for one IKI).
    Empty clears it."""
    refused = realisations_set(evaluation=evaluation, by=by, items=[(iki, value, text)])
    if refused:
        raise PerformanceError(refused[0])
    return Realisation.objects.get(evaluation=evaluation, iki=iki)


def _evidence_kind(upload) -> str:
    """The evidence type of an uploaded file, from its content, which must agree with its
    name; refused with the reason otherwise."""
    name = upload.name or ""
    kind = _EXTENSIONS.get(posixpath.splitext(name.lower())[1])
    allowed = "PDF, JPG, PNG, XLSX, DOCX"
    if kind is None:
        raise PerformanceError(
            _("Evidence may be a %(types)s file; %(name)s is none of them.")
            % {"types": allowed, "name": name[:100]}
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if kind == "pdf":
        ok = head.startswith(b"%PDF-")
    elif kind == "jpg":
        ok = head.startswith(b"\xff\xd8\xff")
    elif kind == "png":
        ok = head == b"\x89PNG\r\n\x1a\n"
    else:
        ok = head.startswith(b"PK\x03\x04") and _office_part_present(upload, _OFFICE_PART[kind])
    if not ok:
        raise PerformanceError(
            _("%(name)s is not a real %(type)s file (its content says otherwise).")
            % {"name": name[:100], "type": kind.upper()}
        )
    return kind


def _office_part_present(upload, part: str) -> bool:
    """A workbook or document is a zip archive whose index lists its main part (only the
    archive's directory is read)."""
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False
    finally:
        upload.seek(0)
    return part in names and "[Content_Types].xml" in names


def _link_parse(link: str) -> str:
    link = _text(link, what=_("the link"), limit=EVIDENCE_LINK_MAX)
    try:
        URLValidator(schemes=["http", "https"])(link)
    except ValidationError:
        raise PerformanceError(_("Give a link that starts with http:// or https://.")) from None
    return link


def _display_name(name: str) -> str:
    """The uploaded file's own name, as people see it (never a path)."""
    base = posixpath.basename((name or "").replace("\\", "/")).strip()
    base = "".join(ch for ch in base if ch.isprintable())
    return base[-EVIDENCE_NAME_MAX:] or "file"


def evidence_may_add(user, evaluation: Evaluation) -> bool:
    """Bukti dukung is added at any time, by the evaluation's owner, until it is final."""
    return evaluation.state != EvaluationState.FINAL and may_submit(user, evaluation)


@transaction.atomic
def evidence_add(*, evaluation: Evaluation, by, file=None, link="", note="", rhk=None) -> Evidence:
    """Bukti dukung: a file (PDF, JPG, PNG, XLSX or DOCX, at most 10 MB, checked by its
    content) or an http(s) link, optionally for one RHK. The owner adds it at any time
    (submitted or rated too: what the appraiser asks for after the fact), until the
    evaluation is final; removing it is for a draft or a returned evaluation only, so what
    a rating saw stays."""
    if not may_submit(by, evaluation):
        raise PermissionDenied(_("Only the owner of the evaluation may add evidence."))
    locked = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    if not evidence_may_add(by, locked):
        raise PerformanceError(_("This evaluation is final: no more evidence can be added."))
    note = _text(note, what=_("the note"), limit=EVIDENCE_NOTE_MAX)
    link = (link or "").strip() if isinstance(link, str) else link
    if bool(file) == bool(link):
        raise PerformanceError(_("Add either a file or a link."))
    rhk = _rhk_of(evaluation, rhk)
    if Evidence.objects.filter(evaluation=evaluation).count() >= EVIDENCE_MAX_PER_EVALUATION:
        raise PerformanceError(
            _("An evaluation holds at most %(n)s pieces of evidence; remove one first.")
            % {"n": EVIDENCE_MAX_PER_EVALUATION}
        )
    evidence = Evidence(
        evaluation=evaluation, rhk=rhk, note=note, added_by=by if by.is_authenticated else None
    )
    if link:
        evidence.link = _link_parse(link)
    else:
        if file.size > EVIDENCE_MAX_BYTES:
            raise PerformanceError(
                _("The file is larger than %(n)s MB.") % {"n": EVIDENCE_MAX_BYTES // MEGABYTE}
            )
        if file.size == 0:
            raise PerformanceError(_("The file is empty."))
        kind = _evidence_kind(file)
        evidence.file_name = _display_name(file.name)
        # Stored under the Pemda's schema and a random name: another Pemda's files never
        # share a folder, and nobody's file name ends up in a path.
        stored = f"{connection.schema_name}/{uuid.uuid4().hex}.{kind}"
        evidence.file.save(stored, file, save=False)
    evidence.save()
    return evidence


@transaction.atomic
def evidence_delete(*, evidence: Evidence, by) -> None:
    """Remove a piece of evidence (its owner, while the evaluation may change)."""
    _locked_editable(evidence.evaluation, by)
    file = evidence.file
    evidence.delete()
    if file:
        name, storage = file.name, file.storage
        transaction.on_commit(lambda: storage.delete(name))


def feedback_add(*, skp, by, text, rhk=None) -> Feedback:
    """Umpan balik on an SKP (or one of its RHK), at any time: from the appraiser, and the
    owner's replies."""
    access = access_for(by, skp)
    if not (access.appraise or access.own):
        raise PermissionDenied(_("Only the owner and their appraiser may write feedback."))
    text = _text(text, what=_("the feedback"), required=True)
    if rhk not in (None, ""):
        rhk_id = rhk.pk if isinstance(rhk, Rhk) else rhk
        rhk = Rhk.objects.filter(pk=rhk_id, skp=skp).first()
        if rhk is None:
            raise PerformanceError(_("Choose an RHK of this SKP."))
    else:
        rhk = None
    me = employee_of(by)
    return Feedback.objects.create(
        skp=skp,
        rhk=rhk,
        author=by,
        author_name=(me.name if me else by.display_name)[:150],
        text=text,
    )


# --- Workflow -----------------------------------------------------------------------------


def _missing_realisations(evaluation: Evaluation) -> tuple[int, int]:
    """(indicators on the SKP, indicators without a realisation in this evaluation)."""
    indicators = list(
        Iki.objects.filter(rhk__skp_id=evaluation.skp_id).values_list("pk", "approach")
    )
    done = {
        iki_id: (value, text)
        for iki_id, value, text in Realisation.objects.filter(evaluation=evaluation).values_list(
            "iki_id", "value", "text"
        )
    }
    missing = 0
    for pk, approach in indicators:
        value, text = done.get(pk, (None, ""))
        if (approach == Approach.KUALITATIF and not text.strip()) or (
            approach != Approach.KUALITATIF and value is None
        ):
            missing += 1
    return len(indicators), missing


@transaction.atomic
def evaluation_submit(*, evaluation: Evaluation, by, version) -> Evaluation:
    """1. The owner, from draft or returned, with a realisation for every IKI, while the
       OPD's period is not final.
    2. The unit, OPD and appraiser are taken from the organisation as it is now.
    3. Compare-and-set to submitted; audited."""
    if not may_submit(by, evaluation):
        raise PermissionDenied(_("Only the owner of the evaluation may submit it."))
    if evaluation.state == EvaluationState.SUBMITTED:
        raise PerformanceError(_("This evaluation has already been submitted."))
    # Locked as rate and return lock (the SKP, then the row): an IKI added or a realisation
    # cleared meanwhile waits for this submit, or is seen by its checks (found in review).
    _skp_lock(evaluation)
    Evaluation.objects.select_for_update().filter(pk=evaluation.pk).values_list("pk").first()
    version = _version_parse(evaluation, version, "submit")
    state = transition_target(evaluation.state, "submit")
    _period_open_check(evaluation)
    indicators, missing = _missing_realisations(evaluation)
    if indicators == 0:
        raise PerformanceError(_("The SKP has no indicators (IKI) yet; add them first."))
    if missing:
        raise PerformanceError(
            _("Fill in the realisation of every indicator first: %(n)s of %(total)s are empty.")
            % {"n": missing, "total": indicators}
        )
    evaluation_snapshot(evaluation)
    if evaluation.appraiser_id is None:
        raise PerformanceError(
            _(
                "You have no atasan in the organisation data, so nobody could rate this "
                "evaluation; ask the BKPSDMD admin to set your atasan."
            )
        )
    before = evaluation.state
    now = timezone.now()
    changed = _transition(
        evaluation,
        "submit",
        version,
        state=state,
        submitted_at=now,
        unit_id=evaluation.unit_id,
        opd_id=evaluation.opd_id,
        appraiser_id=evaluation.appraiser_id,
        appraiser_name=evaluation.appraiser_name,
        appraiser_nip=evaluation.appraiser_nip,
    )
    if not changed:
        raise _changed_meanwhile(evaluation, "submit")
    evaluation.refresh_from_db()
    audit_record(
        action=EVALUATION_SUBMIT,
        by=by,
        obj=evaluation,
        before={"state": before},
        after={"state": state, "appraiser": evaluation.appraiser_name},
    )
    evaluation_changed(evaluation)  # its realisations are reported now
    return evaluation


@transaction.atomic
def evaluation_return(*, evaluation: Evaluation, by, note, version) -> Evaluation:
    """The appraiser sends a submitted (or already rated) evaluation back to its owner for
    revision, saying why; a rating it had is withdrawn. Not once the OPD's period is final.
    The SKP is locked first, as for a rating."""
    if not may_rate(by, evaluation):
        raise PermissionDenied(_("Only the owner's appraiser may return the evaluation."))
    _skp_lock(evaluation)
    version = _version_parse(evaluation, version, "return")
    note = _text(note, what=_("the reason for returning"), required=True)
    state = transition_target(evaluation.state, "return")
    _period_open_check(evaluation, now=False)
    before = {
        "state": evaluation.state,
        "hasil": evaluation.hasil,
        "perilaku": evaluation.perilaku,
        "predikat": evaluation.predikat,
        # The withdrawn value ratings and the copy of what was rated go with the rating
        # (kept here, in the trail).
        "content": evaluation.content,
        "behaviours": dict(
            BehaviourRating.objects.filter(evaluation=evaluation).values_list("value", "rating")
        ),
    }
    changed = _transition(
        evaluation,
        "return",
        version,
        state=state,
        return_note=note,
        hasil="",
        perilaku="",
        predikat="",
        evaluated_at=None,
        content=[],
    )
    if not changed:
        raise _changed_meanwhile(evaluation, "return")
    BehaviourRating.objects.filter(evaluation=evaluation).delete()
    evaluation.refresh_from_db()
    audit_record(
        action=EVALUATION_RETURN,
        by=by,
        obj=evaluation,
        before=before,
        after={"state": state},
        reason=note,
    )
    evaluation_changed(evaluation)  # its realisations no longer count, nor its rating
    return evaluation


def predikat_matrix_current() -> tuple[Mapping, object]:
    """The Pemda's predikat matrix (rule table ``predikat_matrix``) and its table, or the
    national default and None."""
    table = rule_table_current(PREDIKAT_MATRIX)
    if table is not None and _matrix_complete(table.data):
        return table.data, table
    if table is not None:  # a broken table must not take every rating page down
        logger.error(
            "The predikat matrix (version %s) is incomplete; using the default", table.version
        )
    return DEFAULT_MATRIX, None


def _matrix_complete(data) -> bool:
    """Nine cells, each a predikat (hasil → perilaku → predikat)."""
    if not isinstance(data, Mapping):
        return False
    for hasil in Rating.values:
        row = data.get(hasil)
        if not isinstance(row, Mapping):
            return False
        if any(row.get(perilaku) not in Predikat.values for perilaku in Rating.values):
            return False
    return True


def evaluation_hasil_default(evaluation: Evaluation) -> Rating | None:
    """The hasil kerja a unit head's evaluation starts from (DOMAIN.md §2: "for the head of
    a unit, the hasil-kerja rating is the unit's own capaian"): the organisation predikat
    of the period, when it is set and the owner heads the OPD or a unit of it. Capaian is
    rated per OPD (UnitPeriod), so the head of a bidang or a sub-bagian starts from their
    OPD's. None for anyone else."""
    opd = evaluation.opd
    if opd is None or not (
        Evaluation.objects.filter(unit_head_evaluations(), pk=evaluation.pk).exists()
    ):
        return None
    org = (
        UnitPeriod.objects.filter(opd_id=opd.pk, period=evaluation.period)
        .exclude(org_predikat="")
        .values_list("org_predikat", flat=True)
        .first()
    )
    return hasil_of_unit_head(org) if org else None


def _behaviours_parse(behaviours, expectations) -> tuple[dict, dict]:
    if not isinstance(behaviours, Mapping):
        raise PerformanceError(_("Rate every core value first."))
    unknown = [str(key)[:40] for key in behaviours if key not in BerAkhlak.values]
    if unknown:
        raise PerformanceError(_("Unknown core value %(value)s.") % {"value": ", ".join(unknown)})
    ratings = {
        key: rating_parse(value, str(BerAkhlak(key).label)) for key, value in behaviours.items()
    }
    expectations = expectations or {}
    if not isinstance(expectations, Mapping):
        raise PerformanceError(_("The expectations must be given per core value."))
    texts = {}
    for key, value in expectations.items():
        if key not in BerAkhlak.values:
            raise PerformanceError(_("Unknown core value %(value)s.") % {"value": str(key)[:40]})
        texts[key] = _text(value, what=str(BerAkhlak(key).label))
    return ratings, texts


@transaction.atomic
def evaluation_rate(
    *,
    evaluation: Evaluation,
    by,
    hasil,
    behaviours,
    expectations=None,
    note="",
    version,
) -> Evaluation:
    """1. The owner's appraiser (never the owner), on a submitted evaluation, while the
       OPD's period is not final; the SKP is locked first (no RHK or IKI edit passes the
       rating: one waits for the other, and an edit after it is refused).
    2. Hasil kerja (None: a unit head's default from the OPD's organisation predikat), each
       of the 7 BerAKHLAK values, with any ekspektasi khusus pimpinan.
    3. Perilaku = the values' overall rating; predikat = the Pemda's matrix cell.
    4. Compare-and-set to evaluated, then the value ratings; audited."""
    if access_for(by, evaluation).own:
        raise PermissionDenied(_("Nobody rates their own evaluation."))
    if not may_rate(by, evaluation):
        raise PermissionDenied(_("Only the owner's appraiser may rate the evaluation."))
    _skp_lock(evaluation)
    version = _version_parse(evaluation, version, "evaluate")
    state = transition_target(evaluation.state, "evaluate")
    _period_open_check(evaluation)
    if hasil in (None, ""):
        hasil = evaluation_hasil_default(evaluation)
        if hasil is None:
            raise PerformanceError(_("Choose the rating of the hasil kerja."))
    hasil = rating_parse(hasil, _("hasil kerja"))
    ratings, texts = _behaviours_parse(behaviours, expectations)
    perilaku = perilaku_overall(ratings)
    matrix, _table = predikat_matrix_current()
    result = predikat(hasil, perilaku, matrix)
    note = _text(note, what=_("the note"))
    evaluation_snapshot(evaluation)  # the appraiser is the one rating now
    changed = _transition(
        evaluation,
        "evaluate",
        version,
        state=state,
        hasil=hasil,
        perilaku=perilaku,
        predikat=result,
        appraiser_note=note,
        evaluated_at=timezone.now(),
        content=content_taken(evaluation),  # what was rated, whatever the SKP becomes
        unit_id=evaluation.unit_id,
        opd_id=evaluation.opd_id,
        appraiser_id=evaluation.appraiser_id,
        appraiser_name=evaluation.appraiser_name,
        appraiser_nip=evaluation.appraiser_nip,
    )
    if not changed:
        raise _changed_meanwhile(evaluation, "evaluate")
    BehaviourRating.objects.bulk_create(
        [
            BehaviourRating(
                evaluation_id=evaluation.pk,
                value=value,
                rating=ratings[value],
                expectation=texts.get(value, ""),
            )
            for value in BerAkhlak.values
        ],
        update_conflicts=True,
        unique_fields=["evaluation", "value"],
        update_fields=["rating", "expectation"],
    )
    evaluation.refresh_from_db()
    audit_record(
        action=EVALUATION_RATE,
        by=by,
        obj=evaluation,
        before={"state": EvaluationState.SUBMITTED},
        after={
            "state": state,
            "hasil": hasil,
            "perilaku": perilaku,
            "predikat": result,
            "behaviours": {value: ratings[value] for value in BerAkhlak.values},
        },
        reason=note,
    )
    evaluation_changed(evaluation)
    return evaluation


# --- What waits for whom ------------------------------------------------------------------


def periods_current(today=None, kind=None) -> list[Period]:
    """The periods whose evaluations are due now: the period of ``kind`` (the Pemda's,
    when None) that runs today, the one just ended (evaluated right after it ends) and the
    years of both."""
    today = today or timezone.localdate()
    current = period_of(kind or evaluation_period_kind(), today)
    previous = current.previous()
    annual = {Period(PeriodKind.ANNUAL, p.year, 1) for p in (current, previous)}
    return [current, previous, *sorted(annual)]


def _codes_current(today) -> set[str]:
    """The codes of the periods due now, of every periodic kind: an evaluation only ever
    has a code of its Pemda's kind, so the others match nothing, and the Pemda's setting
    need not be read."""
    kinds = (PeriodKind.MONTHLY, PeriodKind.QUARTERLY, PeriodKind.SEMESTER)
    return {p.code for kind in kinds for p in periods_current(today, kind)}


def evaluations_waiting_for(user, *, today=None) -> QuerySet:
    """What ``user`` must act on next: their own evaluations to fill in and submit (drafts
    of the current periods, and any returned for revision) and the submitted evaluations of
    the people they appraise now. One query."""
    me = employee_of(user)
    if me is None:
        return Evaluation.objects.none()
    codes = sorted(_codes_current(today or timezone.localdate()))
    mine = Q(skp__employee=me) & (
        Q(state=EvaluationState.RETURNED) | Q(state=EvaluationState.DRAFT, period__in=codes)
    )
    to_rate = Q(state=EvaluationState.SUBMITTED) & appraisees_q(me, "skp__employee__")
    return (
        Evaluation.objects.visible_to(user)
        .filter(mine | (to_rate & ~Q(skp__employee=me)))
        .select_related("skp__employee")
        .order_by("-period", "state", "skp__employee__name")
    )
