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


# The copy of ``content_taken`` made by the database for many evaluations at once: for rows
# rated before copies were kept (migration 0003) or written by the demo seed, and before an
# SKP changes (services._skp_writable and the other SKP writers), so that no revision reaches
# a rated period without its copy. Same keys, same order, same number formats.
COPIES_SQL = """
UPDATE performance_evaluation e SET content = (
  SELECT coalesce(jsonb_agg(jsonb_build_object(
      'id', r.id, 'kind', r.kind, 'text', r.text, 'perspektif', r.perspektif,
      'parent_text', coalesce(p.text, ''),
      'iki', (
        SELECT coalesce(jsonb_agg(jsonb_build_object(
            'id', i.id, 'text', i.text, 'aspect', i.aspect, 'approach', i.approach,
            'target_unit', i.target_unit, 'target_text', i.target_text,
            'target_value', i.target_value::text,
            'realisation', (
              SELECT jsonb_build_object('value', re.value::text, 'text', re.text)
              FROM performance_realisation re
              WHERE re.evaluation_id = e.id AND re.iki_id = i.id
            )
          ) ORDER BY i."order", i.id), '[]'::jsonb)
        FROM performance_iki i WHERE i.rhk_id = r.id
      )
    ) ORDER BY r.kind, r."order", r.id), '[]'::jsonb)
  FROM performance_rhk r LEFT JOIN performance_rhk p ON p.id = r.parent_id
  WHERE r.skp_id = e.skp_id
)
WHERE e.state IN ('evaluated', 'final') AND e.content = '[]'::jsonb
"""


def copies_taken(skp_ids=None) -> int:
    """Give every rated evaluation without a copy (of these SKP; all when None) its copy of
    the SKP as it is now: one statement. Returns how many were copied."""
    from django.db import connection

    sql, params = COPIES_SQL, []
    if skp_ids is not None:
        ids = list(skp_ids)
        if not ids:
            return 0
        sql, params = sql + " AND e.skp_id = ANY(%s)", [ids]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount
