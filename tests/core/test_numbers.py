"""core.ui.numbers shows numbers exactly as Django's template filters do, in Indonesian and
in English, with the separators looked up once."""

from decimal import Decimal

import pytest
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template import Context, Template
from django.utils import translation

from core.ui.numbers import Numbers

WHOLE = [0, 7, 999, 1000, 4781, 75000, 1234567, -1500, 1_980_000_000]
FIXED = [
    "0",
    "0.5",
    "75",
    "75.00",
    "99.99",
    "100",
    "12.34",
    "1234.5",
    "-3.2",
    "0.01",
]  # stored: 2 places


@pytest.mark.parametrize("language", ["id", "en"])
def test_whole_numbers_are_grouped_as_intcomma_groups_them(language):
    with translation.override(language):
        numbers = Numbers()
        assert [numbers.whole(n) for n in WHOLE] == [intcomma(n) for n in WHOLE]


@pytest.mark.parametrize("language", ["id", "en"])
def test_two_place_decimals_are_shown_as_a_template_shows_them(language):
    template = Template("{{ value }}")
    with translation.override(language):
        numbers = Numbers()
        shown = [
            template.render(Context({"value": Decimal(v).quantize(Decimal("0.01"))})) for v in FIXED
        ]
        assert [numbers.fixed(Decimal(v)) for v in FIXED] == shown


def test_the_separators_are_the_languages():
    with translation.override("id"):
        assert Numbers().whole(4781) == "4.781" and Numbers().fixed(Decimal("75")) == "75,00"
    with translation.override("en"):
        assert Numbers().whole(4781) == "4,781" and Numbers().fixed(Decimal("75")) == "75.00"
    assert Numbers().fixed(None) == ""
