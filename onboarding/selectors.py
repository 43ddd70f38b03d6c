"""Reading the template catalogue: the templates, what each sets, who mentors and uses it.

``template_catalogue(language=…)`` lists the templates; ``template_preview(name, language)``
describes one in full (the catalogue's page, and the wizard's step 4 preview).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q

from core.config.models import PolicySetting, RuleTable
from onboarding.adoption import template_mentor_ids
from onboarding.catalogue_describe import (
    SETTINGS,
    Described,
    rule_table_label,
    rule_table_summary,
    setting_describe,
)
from onboarding.publication_models import TemplatePublication
from onboarding.templates_catalogue import is_catalogue, template_specs
from tenants.lifecycle import PemdaStatus
from tenants.models import TEMPLATE_SCHEMA_PREFIX, Pemda
from tenants.selectors import template_list


@dataclass(frozen=True)
class TemplateEntry:
    label: str
    version: int
    description: str
    name: str = ""  # what pemda_request takes: the schema name without "tpl_"
    mentor: str = ""  # the name of the Pemda whose practice it follows, if any
    published: bool = False  # published by a Pemda from its configuration
    users: tuple[str, ...] = ()  # names of the active Pemda that started from it


@dataclass(frozen=True)
class RuleTableView:
    name: str
    label: str
    version: int
    source: str
    lines: list[str]


@dataclass(frozen=True)
class TemplatePreview:
    entry: TemplateEntry
    settings: list[Described] = field(default_factory=list)
    rules: list[RuleTableView] = field(default_factory=list)
    catalogues: list[RuleTableView] = field(default_factory=list)


def template_name_of(template: Pemda) -> str:
    return template.schema_name.removeprefix(TEMPLATE_SCHEMA_PREFIX)


def _entries(templates: list[Pemda], *, language: str) -> list[TemplateEntry]:
    """The templates as the catalogue lists them. Built templates' rows store Indonesian
    text only; the other languages come from the data files (a template whose file is gone
    keeps its stored text)."""
    specs = {spec.schema_name: spec for spec in template_specs().values()}
    mentors = template_mentor_ids(templates)
    names = dict(
        Pemda.objects.filter(pk__in=[m for m in mentors.values() if m]).values_list("pk", "name")
    )
    users: dict[int, list[str]] = {}
    for template_id, name in (
        Pemda.objects.filter(is_template=False, status=PemdaStatus.ACTIVE, template__in=templates)
        .order_by("name")
        .values_list("template_id", "name")
    ):
        users.setdefault(template_id, []).append(name)
    published = set(
        Pemda.objects.filter(
            pk__in=[t.pk for t in templates], publication__isnull=False
        ).values_list("pk", flat=True)
    )
    entries = []
    for template in templates:
        spec = specs.get(template.schema_name)
        entries.append(
            TemplateEntry(
                label=template.name,
                version=template.template_version,
                description=spec.description_in(language) if spec else template.description,
                name=template_name_of(template),
                mentor=names.get(mentors.get(template.pk), ""),
                published=template.pk in published,
                users=tuple(users.get(template.pk, ())),
            )
        )
    return entries


def template_catalogue(*, language: str) -> list[TemplateEntry]:
    """The templates (built and published), each described in ``language``."""
    return _entries(list(template_list()), language=language)


def template_get(name: str) -> Pemda | None:
    """The template named ``name`` (as in ``pemda_request``), or None."""
    if not isinstance(name, str) or not name or len(name) > 60:
        return None
    return Pemda.objects.filter(
        is_template=True, schema_name=f"{TEMPLATE_SCHEMA_PREFIX}{name}"
    ).first()


def template_preview(name: str, language: str) -> TemplatePreview | None:
    """Everything the template ``name`` sets, for people, in ``language``; None if there is
    no such template. Read from the template's own schema, so a published template and a
    built one read alike: settings in the order of ``catalogue_describe.SETTINGS`` (unknown
    keys last, as stored), rule tables at their latest version, catalogues apart."""
    template = template_get(name)
    if template is None:
        return None
    (entry,) = _entries([template], language=language)
    with template:
        stored = dict(PolicySetting.objects.values_list("key", "value"))
        tables = {}
        for table in RuleTable.objects.order_by("name", "-version"):
            tables.setdefault(table.name, table)
    order = {key: index for index, key in enumerate(SETTINGS)}
    keys = sorted(stored, key=lambda key: (order.get(key, len(order)), key))
    views = [
        RuleTableView(
            name=table.name,
            label=rule_table_label(table.name, language),
            version=table.version,
            source=table.source,
            lines=rule_table_summary(table.name, table.data, language),
        )
        for table in tables.values()
    ]
    return TemplatePreview(
        entry=entry,
        settings=[setting_describe(key, stored[key], language) for key in keys],
        rules=[view for view in views if not is_catalogue(view.name)],
        catalogues=[view for view in views if is_catalogue(view.name)],
    )


@dataclass(frozen=True)
class PublicationEntry:
    label: str
    name: str
    number: int
    published_at: object
    adopters: int  # active Pemda that started from it


def publications_of(pemda: Pemda) -> list[PublicationEntry]:
    """The templates ``pemda`` published, newest first, with how many Pemda adopted each."""
    rows = (
        TemplatePublication.objects.filter(source=pemda)
        .select_related("template")
        .annotate(
            adopters=Count(
                "template__clones",
                filter=Q(
                    template__clones__status=PemdaStatus.ACTIVE,
                    template__clones__is_template=False,
                ),
            )
        )
    )
    return [
        PublicationEntry(
            label=row.template.name,
            name=template_name_of(row.template),
            number=row.number,
            published_at=row.published_at,
            adopters=row.adopters,
        )
        for row in rows
    ]
