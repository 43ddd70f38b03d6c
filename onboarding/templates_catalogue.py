"""Template configurations ("Model Surabaya", "Model Jawa Barat", "Nasional") that new Pemda
clone.

Each template is built from versioned data files in ``template_data/`` into its own
schema ``tpl_<name>``: a tenant row without a domain and without personal data. A template
holds configuration only: policy settings (``PolicySetting``) and versioned tables
(``RuleTable``): the regulatory rule tables, and the catalogues (names starting with
``catalogue.``: OPD types, norma waktu) that a new Pemda starts from.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

DATA_DIR = Path(__file__).resolve().parent / "template_data"
COMMON_RULES = DATA_DIR / "common-rules.json"
# Rule tables whose name starts so are catalogues (lists a Pemda adapts), not regulations.
CATALOGUE_PREFIX = "catalogue."


def is_catalogue(rule_table_name: str) -> bool:
    return rule_table_name.startswith(CATALOGUE_PREFIX)


@dataclass(frozen=True)
class TemplateSpec:
    name: str
    label: str
    version: int
    descriptions: dict[str, str]  # language code → text, one for each of the site's LANGUAGES
    settings: dict
    rules: dict
    # The Kemendagri code of the Pemda whose practice the template follows (its mentor, as
    # Surabaya is for the Pemda that adopt "Model Surabaya"); empty for none.
    mentor_region: str = ""

    @property
    def schema_name(self) -> str:
        from tenants.models import template_schema_name

        return template_schema_name(self.name)

    @property
    def description(self) -> str:
        """In the site's default language (Indonesian): what ``Pemda.description`` stores."""
        return self.descriptions[django_settings.LANGUAGE_CODE]

    def description_in(self, language: str) -> str:
        return self.descriptions.get(language) or self.descriptions.get(
            language.split("-")[0], self.description
        )


@cache
def template_specs() -> dict[str, TemplateSpec]:
    rules = json.loads(COMMON_RULES.read_text(encoding="utf-8"))
    specs = {}
    for path in sorted(DATA_DIR.glob("*.json")):
        if path == COMMON_RULES:
            continue
        spec = template_spec_read(path, rules=rules)
        specs[spec.name] = spec
    return specs


def template_spec_read(path: Path, *, rules: dict) -> TemplateSpec:
    raw = json.loads(path.read_text(encoding="utf-8"))
    descriptions = raw.get("description")
    languages = [code for code, _name in django_settings.LANGUAGES]
    if not isinstance(descriptions, dict):
        raise ImproperlyConfigured(
            f'{path}: description must give a text per language, e.g. {{"id": "…", "en": "…"}}'
        )
    missing = [code for code in languages if not str(descriptions.get(code) or "").strip()]
    if missing:
        raise ImproperlyConfigured(
            f"{path}: description has no text in {', '.join(missing)} "
            f"(one is needed in each of {', '.join(languages)})"
        )
    return TemplateSpec(
        name=raw["name"],
        label=raw["label"],
        version=raw["version"],
        descriptions=descriptions,
        settings=raw["settings"],
        rules={**rules, **raw.get("rules", {})},
        mentor_region=str(raw.get("mentor_region") or ""),
    )


def template_build(*, spec: TemplateSpec):
    """Create or bring up to date the template schema of ``spec``; idempotent.

    1. Upsert the template's tenant row (no domain, no region).
    2. Create its schema by running the tenant migrations, unless it exists
       (``migrate_schemas`` keeps an existing template current).
    3. Upsert its configuration rows inside the schema.
    """
    from core.config.models import PolicySetting, RuleTable
    from tenants.lifecycle import PemdaStatus
    from tenants.models import Pemda

    template, _ = Pemda.objects.update_or_create(
        schema_name=spec.schema_name,
        defaults={
            "name": spec.label,
            "slug": f"tpl-{spec.name}",
            "is_template": True,
            "status": PemdaStatus.ACTIVE,
            "description": spec.description,
            "template_version": spec.version,
        },
    )
    template.create_schema(check_if_exists=True, verbosity=0)
    with template, transaction.atomic():
        for key, value in spec.settings.items():
            PolicySetting.objects.update_or_create(key=key, defaults={"value": value})
        PolicySetting.objects.exclude(key__in=spec.settings).delete()
        for name, table in spec.rules.items():
            RuleTable.objects.update_or_create(
                name=name,
                version=table["version"],
                defaults={"data": table["data"], "source": table.get("source", "")},
            )
    return template


def templates_build() -> list:
    return [template_build(spec=spec) for spec in template_specs().values()]
