"""Who may do what in the performance module, on top of core.org.access (the scopes).

Reading follows the org scopes (``Skp.objects.visible_to(user)``): the admin and the
leaders see the whole Pemda, a head of OPD the OPD, an atasan their appraisees, an employee
themself. Writing:

- an SKP's content (RHK, IKI): its owner and their appraiser, except while one of its
  evaluations waits for the appraiser (submitted) and for good once the year's own
  evaluation is rated (``skp_closing``). A rated evaluation of a month, quarter or semester
  keeps a copy of the RHK, IKI and realisations it rated (``Evaluation.content``), so the
  SKP may be revised for the periods after it (perubahan SKP), its changes audited;
- an evaluation: the owner fills in and submits; the appraiser rates or returns it;
- an OPD's period: its organisation predikat is set by a leader or by whoever appraises the
  head of the OPD (the leader one level up); it is finalised by the head of the OPD.

Leaders read the whole Pemda; writing follows the appraisal relation, not the role:

- the Sekda (role leader, with an employee record) is the atasan of the heads of OPD, so
  as their appraiser may edit their SKP and rate (or return) their evaluations, like any
  other appraiser; the Sekda's own SKP they fill in as its owner, and the rest of the
  Pemda they only read;
- a leader who appraises nobody (the Wali Kota/Bupati, who has no employee record) only
  reads SKP and evaluations: writing one is refused (403). Their appraisal of the Sekda
  happens outside the application (the Sekda's SKP has no appraiser among the ASN). Like
  every leader they may set an OPD's organisation predikat (``may_rate_opd``).

The BKPSDMD admin reads too; they write neither SKP nor ratings. Everyone's own evaluation
is rated by someone else: nobody rates themself.
"""

from __future__ import annotations

from django.db.models import Q

from core.accounts.models import Role
from core.org.access import access_for, employee_of
from core.performance.rules import EvaluationState

LOCKING_STATES = (EvaluationState.EVALUATED, EvaluationState.FINAL)


def skp_closing(prefix: str = "") -> Q:
    """The evaluations that close their SKP for good: the year's own (period code "2026",
    where a month, quarter or semester has a dash), once rated. ``prefix`` reaches them from
    another model ("evaluations__")."""
    return Q(**{f"{prefix}state__in": LOCKING_STATES}) & ~Q(**{f"{prefix}period__contains": "-"})


def skp_holding(prefix: str = "") -> Q:
    """The evaluations during which the SKP's content may not change: a submitted one (its
    appraiser rates what was submitted) and a closing one."""
    return Q(**{f"{prefix}state": EvaluationState.SUBMITTED}) | skp_closing(prefix)


def may_edit_skp(user, skp) -> bool:
    """Owner or appraiser (the SKP must already be visible to ``user``)."""
    access = access_for(user, skp)
    return access.own or access.appraise


def may_submit(user, evaluation) -> bool:
    return access_for(user, evaluation).own


def may_rate(user, evaluation) -> bool:
    """The owner's current appraiser, never the owner."""
    access = access_for(user, evaluation)
    return access.appraise and not access.own


def may_rate_opd(user, opd) -> bool:
    """A leader, or the appraiser of the OPD's head (the leader one level up)."""
    if not user.is_authenticated:
        return False
    if user.role == Role.LEADER:
        return True
    me = employee_of(user)
    head = opd.head
    return bool(me and head and head.atasan_id == me.pk and head.pk != me.pk)


def may_finalise_opd(user, opd) -> bool:
    """The head of the OPD."""
    me = employee_of(user)
    return bool(me and opd.head_id == me.pk)
