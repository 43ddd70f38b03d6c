"""Who follows an evaluation's change. Modules above performance (the activity module's
monthly indices: a month's perilaku and realisations feed them) register a follower here
from their AppConfig.ready, as modules register their menus in core.ui; performance
never imports them (DESIGN.md §12: ratings feed the modules above, never the reverse).

A follower is called inside the service's transaction, after the change, with the
evaluation; it queues its own work (on commit) and must not fail the change."""

from __future__ import annotations

from collections.abc import Callable

_followers: list[Callable] = []


def evaluation_follower_register(follower: Callable) -> Callable:
    """Register ``follower(evaluation)``, once; returns it (usable as a decorator)."""
    if follower not in _followers:
        _followers.append(follower)
    return follower


def evaluation_changed(evaluation) -> None:
    """An evaluation was submitted (its realisations reported), returned or rated."""
    for follower in _followers:
        follower(evaluation)
