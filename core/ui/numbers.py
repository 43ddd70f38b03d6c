"""Numbers for pages that show thousands of them (the leader's view: hundreds of rows of
eight figures). Django's ``number_format`` looks the active language's separators up on
every call; here they are looked up once per page, with the same result
(tests/core/test_numbers.py holds them to it)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import get_format


class Numbers:
    """The active language's separators, read once: ``whole(4781)`` is "4.781" in
    Indonesian, "4,781" in English, as ``intcomma``; ``fixed(Decimal("75"))`` is "75,00"
    or "75.00", as a two-place decimal shown by a template."""

    def __init__(self) -> None:
        self.thousands = str(get_format("THOUSAND_SEPARATOR"))
        self.point = str(get_format("DECIMAL_SEPARATOR"))

    def whole(self, value: int) -> str:
        grouped = f"{int(value):,}"
        return grouped.replace(",", self.thousands) if self.thousands != "," else grouped

    def fixed(self, value: Decimal | None, places: int = 2) -> str:
        if value is None:
            return ""
        exponent = Decimal(1).scaleb(-places)
        text = f"{Decimal(value).quantize(exponent, rounding=ROUND_HALF_UP):f}"
        return text.replace(".", self.point) if self.point != "." else text
