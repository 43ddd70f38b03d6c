import json

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.html import escape

from onboarding.templates_catalogue import DATA_DIR, template_spec_read
from tenants.models import Pemda

pytestmark = pytest.mark.django_db


def _description(name: str) -> dict[str, str]:
    return json.loads((DATA_DIR / f"{name}.json").read_text(encoding="utf-8"))["description"]


def test_every_template_is_described_in_indonesian_and_english():
    for name in ("surabaya", "jabar"):
        description = _description(name)
        assert set(description) == {"id", "en"}
        assert description["id"] != description["en"]


def test_the_platform_home_describes_the_templates_in_indonesian_by_default(platform_client):
    page = platform_client.get("/").content.decode()
    for name in ("surabaya", "jabar"):
        assert escape(_description(name)["id"]) in page
        assert escape(_description(name)["en"]) not in page


def test_the_platform_home_describes_the_templates_in_english_when_chosen(platform_client):
    platform_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = platform_client.get("/").content.decode()
    for name in ("surabaya", "jabar"):
        assert escape(_description(name)["en"]) in page
        assert escape(_description(name)["id"]) not in page


def test_the_template_row_keeps_the_indonesian_description():
    template = Pemda.objects.get(schema_name="tpl_surabaya")
    assert template.description == _description("surabaya")["id"]


def test_a_template_without_both_languages_is_refused_by_file(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text(
        json.dumps(
            {
                "name": "broken",
                "label": "Model X",
                "version": 1,
                "settings": {},
                "description": {"id": "Hanya bahasa Indonesia"},
            }
        ),
        encoding="utf-8",
    )
    with pytest.raises(ImproperlyConfigured, match="broken.json.*description.*en"):
        template_spec_read(path, rules={})
