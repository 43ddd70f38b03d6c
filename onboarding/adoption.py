"""Who mentors whom, and how far each adopter has come (issue 8, item 4).

A Pemda *mentors* the Pemda that start from its configuration: from a built template that
follows its practice (``mentor_region`` in the template's data file: Kota Surabaya for
"Model Surabaya") or from a template it published itself (``TemplatePublication``).

The mentor sees each adopter's progress as aggregates only, counted in the adopter's
schema on request (one statement for every adopter; counts, never rows), and any figure
about fewer than ADOPTION_MIN_GROUP people is suppressed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, QuerySet

from core.accounts.models import User
from core.org.models import Employee, Unit
from onboarding.publication_models import TemplatePublication
from onboarding.templates_catalogue import template_specs
from tenants.lifecycle import PemdaStatus
from tenants.models import Pemda

ADOPTION_MIN_GROUP = 5
SUPPRESSED = "< 5"


# --- Pure rules ------------------------------------------------------------------------


def share_display(count: int, total: int, *, min_group: int = ADOPTION_MIN_GROUP) -> str:
    """``count`` of ``total`` people as a whole percentage ("83%"), or "< 5" when the group
    of people it describes (``total``) is too small to show without pointing at someone."""
    if total < min_group:
        return SUPPRESSED
    return f"{round(100 * count / total)}%"


def count_display(total: int, *, min_group: int = ADOPTION_MIN_GROUP) -> str:
    return SUPPRESSED if total < min_group else str(total)


@dataclass(frozen=True)
class AdoptionCounts:
    """Counts read in one adopter's schema (never a row)."""

    employees: int  # active
    logged_in: int  # active employees whose account has logged in
    with_email: int
    with_phone: int
    with_tmt: int  # with a TMT jabatan
    units: int
    units_headed: int


@dataclass(frozen=True)
class AdoptionRow:
    pemda_name: str
    template_name: str
    employees: str
    logged_in: str
    with_email: str
    with_phone: str
    with_tmt: str
    units_headed: str


def adoption_row(*, pemda_name: str, template_name: str, counts: AdoptionCounts) -> AdoptionRow:
    """What the mentor may see of one adopter: shares of employees, suppressed together when
    the Pemda has fewer than ADOPTION_MIN_GROUP active employees (the unit figure with
    them: with so few people a unit's head is a person one can name)."""
    people = counts.employees
    return AdoptionRow(
        pemda_name=pemda_name,
        template_name=template_name,
        employees=count_display(people),
        logged_in=share_display(counts.logged_in, people),
        with_email=share_display(counts.with_email, people),
        with_phone=share_display(counts.with_phone, people),
        with_tmt=share_display(counts.with_tmt, people),
        units_headed=(
            SUPPRESSED
            if people < ADOPTION_MIN_GROUP
            else share_display(counts.units_headed, counts.units, min_group=1)
            if counts.units
            else "–"
        ),
    )


# --- Selectors ---------------------------------------------------------------------------


def template_mentor_ids(templates: list[Pemda]) -> dict[int, int | None]:
    """{template id: id of its mentor Pemda (active), or None}."""
    published = dict(
        TemplatePublication.objects.filter(template__in=templates).values_list(
            "template_id", "source_id"
        )
    )
    regions = {spec.schema_name: spec.mentor_region for spec in template_specs().values()}
    by_region = dict(
        Pemda.objects.filter(
            is_template=False,
            status=PemdaStatus.ACTIVE,
            region_id__in=[code for code in regions.values() if code],
        ).values_list("region_id", "pk")
    )
    return {
        template.pk: published.get(template.pk) or by_region.get(regions.get(template.schema_name))
        for template in templates
    }


def mentored_templates_q(mentor: Pemda) -> Q:
    """The templates ``mentor`` mentors: built after its practice, or published by it."""
    schemas = [
        spec.schema_name
        for spec in template_specs().values()
        if mentor.region_id and spec.mentor_region == mentor.region_id
    ]
    return Q(schema_name__in=schemas) | Q(publication__source=mentor)


def adopters_of(mentor: Pemda) -> QuerySet[Pemda]:
    """The active Pemda (other than the mentor) that started from a template it mentors."""
    templates = Pemda.objects.filter(mentored_templates_q(mentor), is_template=True)
    return (
        Pemda.objects.filter(is_template=False, status=PemdaStatus.ACTIVE, template__in=templates)
        .exclude(pk=mentor.pk)
        .select_related("template")
        .order_by("name")
    )


def is_mentor(pemda: Pemda) -> bool:
    return adopters_of(pemda).exists()


def _counts_sql(schema: str) -> str:
    q = connection.ops.quote_name
    employee = f"{q(schema)}.{q(Employee._meta.db_table)}"
    user = f"{q(schema)}.{q(User._meta.db_table)}"
    unit = f"{q(schema)}.{q(Unit._meta.db_table)}"
    return f"""
        SELECT
          (SELECT count(*) FROM {employee} e WHERE e.is_active),
          (SELECT count(*) FROM {employee} e JOIN {user} u ON u.id = e.user_id
            WHERE e.is_active AND u.last_login IS NOT NULL),
          (SELECT count(*) FROM {employee} e WHERE e.is_active AND e.email <> ''),
          (SELECT count(*) FROM {employee} e WHERE e.is_active AND e.phone <> ''),
          (SELECT count(*) FROM {employee} e WHERE e.is_active AND e.tmt_jabatan IS NOT NULL),
          (SELECT count(*) FROM {unit}),
          (SELECT count(*) FROM {unit} WHERE head_id IS NOT NULL)
    """


def adoption_counts(adopters: list[Pemda]) -> dict[int, AdoptionCounts]:
    """{adopter id: its counts}, read by one statement over the adopters' schemas."""
    if not adopters:
        return {}
    parts = [
        f"SELECT {index} AS i, c.* FROM ({_counts_sql(p.schema_name)}) c"
        for index, p in enumerate(adopters)
    ]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts))
        rows = cursor.fetchall()
    return {adopters[row[0]].pk: AdoptionCounts(*row[1:]) for row in rows}


def adoption_progress(mentor: Pemda) -> list[AdoptionRow]:
    """The mentor's view: one row per adopter, aggregates only (see ``adoption_row``)."""
    adopters = list(adopters_of(mentor))
    counts = adoption_counts(adopters)
    return [
        adoption_row(
            pemda_name=adopter.name, template_name=adopter.template.name, counts=counts[adopter.pk]
        )
        for adopter in adopters
    ]
