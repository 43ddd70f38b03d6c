from dataclasses import dataclass

from onboarding.templates_catalogue import template_specs
from tenants.selectors import template_list


@dataclass(frozen=True)
class TemplateEntry:
    label: str
    version: int
    description: str


def template_catalogue(*, language: str) -> list[TemplateEntry]:
    """The built templates, each described in ``language``.

    The template rows store the Indonesian text only; the other languages come from the
    data files. A template whose data file is gone keeps its stored text.
    """
    specs = {spec.schema_name: spec for spec in template_specs().values()}
    entries = []
    for template in template_list():
        spec = specs.get(template.schema_name)
        entries.append(
            TemplateEntry(
                label=template.name,
                version=template.template_version,
                description=spec.description_in(language) if spec else template.description,
            )
        )
    return entries
