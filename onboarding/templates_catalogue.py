"""Template configurations ("Model Surabaya", "Model Jawa Barat") that new Pemda clone.

Each template is built from versioned data files in ``template_data/`` into its own
schema ``tpl_<name>``: a tenant row without a domain and without personal data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.db import transaction

DATA_DIR = Path(__file__).resolve().parent / "template_data"
COMMON_RULES = DATA_DIR / "common-rules.json"
TEMPLATE_SCHEMA_PREFIX = "tpl_"


@dataclass(frozen=True)
class TemplateSpec:
    name: str
    label: str
    version: int
    description: str
    settings: dict
    rules: dict

    @property
    def schema_name(self) -> str:
        return f"{TEMPLATE_SCHEMA_PREFIX}{self.name}"


@cache
def template_specs() -> dict[str, TemplateSpec]:
    rules = json.loads(COMMON_RULES.read_text(encoding="utf-8"))
    specs = {}
    for path in sorted(DATA_DIR.glob("*.json")):
        if path == COMMON_RULES:
            continue
        raw = json.loads(path.read_text(encoding="utf-8"))
        specs[raw["name"]] = TemplateSpec(
            name=raw["name"],
            label=raw["label"],
            version=raw["version"],
            description=raw["description"],
            settings=raw["settings"],
            rules={**rules, **raw.get("rules", {})},
        )
    return specs


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
