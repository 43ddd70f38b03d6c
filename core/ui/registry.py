"""Where modules plug into the UI shell: navigation entries and home-page cards.

Each module declares its entries in its own ``ui.py`` (discovered at start-up, like
``admin.py``); base.html and the home page show what the user's role allows. A module
that does not exist yet simply has no entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise


def any_user(user) -> bool:
    return user.is_authenticated


@dataclass(frozen=True)
class NavEntry:
    group: str | Promise  # the menu it sits in ("Organisasi", "Administrasi" …)
    label: str | Promise
    url_name: str
    allowed: Callable = any_user  # allowed(user) → bool
    order: int = 100

    @property
    def url(self) -> str:
        return _reverse(self.url_name, get_urlconf(), get_script_prefix())


@lru_cache(maxsize=128)
def _reverse(url_name: str, urlconf, prefix: str) -> str:
    """The menus' URLs, reversed once per process (per URL conf and script prefix), not on
    every page."""
    return reverse(url_name, urlconf)


@dataclass(frozen=True)
class HomeCard:
    """A card of the home page. ``context(request)`` returns the card's template context,
    or None when the card has nothing for this user (then it is not shown)."""

    key: str
    template: str
    context: Callable
    allowed: Callable = any_user
    order: int = 100
    wide: bool = False  # the full width of the page, not half


_NAV: list[NavEntry] = []
_CARDS: list[HomeCard] = []


def nav_register(*entries: NavEntry) -> None:
    _NAV.extend(entry for entry in entries if entry not in _NAV)


def card_register(*cards: HomeCard) -> None:
    """Add cards; a key already taken keeps its first card (a module imported twice)."""
    for card in cards:
        if all(known.key != card.key for known in _CARDS):
            _CARDS.append(card)


def nav_for(user) -> list[tuple[str, list[NavEntry]]]:
    """The menus this user sees, in order: [(group, [entries])]."""
    groups: dict[str, list[NavEntry]] = {}
    for entry in sorted(_NAV, key=lambda e: e.order):
        if entry.allowed(user):
            groups.setdefault(str(entry.group), []).append(entry)
    return list(groups.items())


def cards_for(request) -> list[tuple[HomeCard, dict]]:
    shown = []
    for card in sorted(_CARDS, key=lambda c: c.order):
        if not card.allowed(request.user):
            continue
        context = card.context(request)
        if context is not None:
            shown.append((card, context))
    return shown
