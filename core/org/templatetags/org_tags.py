from urllib.parse import parse_qsl, urlencode

from django import template

register = template.Library()


@register.filter
def without_page(query: str) -> str:
    """The query string of the current filters, without the page number."""
    return urlencode([(key, value) for key, value in parse_qsl(query) if key != "page"])


@register.filter
def add_amp(query: str) -> str:
    return f"{query}&" if query else ""
