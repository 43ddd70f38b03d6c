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

from django.db.models import F, Q

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
    """A leader, or the appraiser of the OPD's (active) head: the leader one level up.
    ``opds_rated_by`` is the same rule as a queryset (tests/performance/test_home_cards.py
    checks that they agree for everyone)."""
    if not user.is_authenticated:
        return False
    if user.role == Role.LEADER:
        return True
    me = employee_of(user)
    head = opd.head
    return bool(me and head and head.is_active and head.atasan_id == me.pk and head.pk != me.pk)


def opds_rated_by(user):
    """The OPDs whose organisation predikat ``user`` sets (``may_rate_opd``, as a queryset):
    every OPD for a leader; for anyone else those whose head they appraise now (never their
    own OPD when they head it: nobody rates themself)."""
    from core.org.access import appraisees_q
    from core.org.models import Unit

    opds = Unit.objects.filter(parent__isnull=True)
    if not user.is_authenticated:
        return opds.none()
    if user.role == Role.LEADER:
        return opds
    me = employee_of(user)
    if me is None:
        return opds.none()
    return opds.filter(appraisees_q(me, "head__")).exclude(head=me)


def unit_head_evaluations() -> Q:
    """Evaluations whose owner heads the unit or the OPD they are recorded with: a unit
    head's hasil kerja is the unit's capaian (DOMAIN.md §2)."""
    return Q(skp__employee_id=F("unit__head_id")) | Q(skp__employee_id=F("opd__head_id"))


def may_finalise_opd(user, opd) -> bool:
    """The head of the OPD."""
    me = employee_of(user)
    return bool(me and opd.head_id == me.pk)
