from django import template

from tenants.billing_rules import rupiah as rupiah_text

register = template.Library()


@register.filter
def rupiah(value) -> str:
    """``{{ invoice.amount|rupiah }}`` → ``Rp 1.234.567``."""
    return "" if value is None else rupiah_text(value)
