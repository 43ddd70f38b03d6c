"""What an evaluation rated: the RHK and IKI of its SKP with the period's realisations.

An SKP may be revised during the year (perubahan SKP): a rating of a month, quarter or
semester does not fix the SKP for the periods after it (core.performance.access.skp_closing).
So a rated evaluation keeps its own copy of what it rated (``Evaluation.content``, taken when
it is rated and dropped when it is returned), and its page and its printed document show that
copy, not the SKP as it is now. An evaluation not rated shows the live SKP.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db.models import Prefetch

from core.performance.models import Evaluation, Iki, Realisation, Rhk

_RHK_FIELDS = ("kind", "text", "perspektif")
_IKI_FIELDS = ("text", "aspect", "approach", "target_unit", "target_text")


def skp_content(skp) -> list[Rhk]:
    """The SKP's RHK as it is now (see _live)."""
    return _live(skp.pk)


def _live(skp_id: int) -> list[Rhk]:
    """The SKP's RHK, each with the leader's RHK it supports and its IKI: three queries."""
    return list(
        Rhk.objects.filter(skp_id=skp_id)
        .select_related("parent")
        .prefetch_related(Prefetch("iki", queryset=Iki.objects.order_by("order", "pk")))
        .order_by("kind", "order", "pk")
    )


def _decimal(value) -> str | None:
    return None if value is None else str(value)


def content_taken(evaluation: Evaluation) -> list[dict]:
    """The copy a rating keeps: every RHK of the SKP (with the text of the leader's RHK it
    supports) and every IKI with its target and this period's realisation."""
    realisations = {r.iki_id: r for r in Realisation.objects.filter(evaluation=evaluation)}
    content = []
    for rhk in _live(evaluation.skp_id):
        indicators = []
        for iki in rhk.iki.all():
            done = realisations.get(iki.pk)
            indicators.append(
                {
                    "id": iki.pk,
                    **{name: getattr(iki, name) for name in _IKI_FIELDS},
                    "target_value": _decimal(iki.target_value),
                    "realisation": None
                    if done is None
                    else {"value": _decimal(done.value), "text": done.text},
                }
            )
        content.append(
            {
                "id": rhk.pk,
                **{name: getattr(rhk, name) for name in _RHK_FIELDS},
                "parent_text": rhk.parent.text if rhk.parent else "",
                "iki": indicators,
            }
        )
    return content


def _number(raw) -> Decimal | None:
    try:
        return None if raw is None else Decimal(raw)
    except (InvalidOperation, TypeError):
        return None


def _from_copy(content: list[dict]) -> tuple[list[Rhk], dict[int, Realisation]]:
    """Unsaved RHK and IKI (ids kept, so evidence and feedback still find their RHK) with
    their IKI in the RHK's prefetch cache: the pages and documents read them as live rows."""
    rhks, realisations = [], {}
    for row in content:
        rhk = Rhk(pk=row.get("id"), **{name: row.get(name, "") for name in _RHK_FIELDS})
        rhk.parent = Rhk(text=row["parent_text"]) if row.get("parent_text") else None
        indicators = []
        for item in row.get("iki", []):
            iki = Iki(
                pk=item.get("id"),
                rhk=rhk,
                target_value=_number(item.get("target_value")),
                **{name: item.get(name, "") for name in _IKI_FIELDS},
            )
            indicators.append(iki)
            done = item.get("realisation")
            if done is not None:
                realisations[iki.pk] = Realisation(
                    iki=iki, value=_number(done.get("value")), text=done.get("text", "")
                )
        rhk._prefetched_objects_cache = {"iki": indicators}
        rhks.append(rhk)
    return rhks, realisations


def evaluation_content(evaluation: Evaluation) -> tuple[list[Rhk], dict[int, Realisation]]:
    """The RHK (with their IKI) and the realisations by IKI id that the evaluation shows:
    its copy once rated, the live SKP before."""
    if evaluation.content:
        return _from_copy(evaluation.content)
    realisations = {r.iki_id: r for r in Realisation.objects.filter(evaluation=evaluation)}
    return _live(evaluation.skp_id), realisations
