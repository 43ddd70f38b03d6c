import copy
import threading
import time

from django.db import connection, transaction
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from tenants.lifecycle import SERVED_STATUSES, PemdaStatus
from tenants.models import Domain, Pemda

# --- Which Pemda a host serves, kept per process ------------------------------------------
# Finding the Pemda is the first work of every request (two statements: the public search
# path and the domain lookup). Each process keeps the answer for a host PEMDA_HOST_TTL
# seconds, on the same terms as the settings cache (core.config.selectors.SETTINGS_TTL):
# - a change made in this process is forgotten at once: a Pemda changing state
#   (tenants.lifecycle.pemda_transition, once committed), a Pemda or domain saved or deleted
#   (the platform admin);
# - other processes see a Pemda suspended or archived within PEMDA_HOST_TTL;
# - inside a transaction the database is always read, and an unknown host is never kept.
PEMDA_HOST_TTL = 10.0  # seconds

_by_host: dict[str, tuple[float, Pemda]] = {}  # hostname → (monotonic time read, Pemda)
_by_host_lock = threading.Lock()
_generation = 0  # counts the clears: a read that a clear overtook is not kept


def pemda_host_cache_clear() -> None:
    global _generation
    with _by_host_lock:
        _by_host.clear()
        _generation += 1


def _pemda_changed(**_signal) -> None:
    """A Pemda or domain saved or deleted (the platform admin): forget the cache once the
    change is committed, so that no read in between can put the old state back."""
    transaction.on_commit(pemda_host_cache_clear)


for _model in (Pemda, Domain):
    receiver((post_save, post_delete), sender=_model)(_pemda_changed)


def pemda_for_host_read(hostname: str) -> Pemda:
    """The Pemda served at ``hostname`` (active or suspended, never a template); raises
    Domain.DoesNotExist. Runs in the public schema."""
    domain = Domain.objects.select_related("tenant").get(
        domain=hostname, tenant__status__in=SERVED_STATUSES, tenant__is_template=False
    )
    return domain.tenant


def pemda_for_host(hostname: str) -> Pemda:
    """:func:`pemda_for_host_read`, kept per process (see PEMDA_HOST_TTL); a copy each time,
    as a request sets attributes on its tenant."""
    if connection.in_atomic_block:
        return pemda_for_host_read(hostname)
    now = time.monotonic()
    entry = _by_host.get(hostname)
    if entry is None or now - entry[0] >= PEMDA_HOST_TTL:
        generation = _generation
        entry = (now, pemda_for_host_read(hostname))
        with _by_host_lock:
            if generation == _generation:  # no clear since the read began
                _by_host[hostname] = entry
    return copy.copy(entry[1])


def pemda_list_active() -> QuerySet[Pemda]:
    return (
        Pemda.objects.filter(is_template=False, status=PemdaStatus.ACTIVE)
        .select_related("region__province", "template")
        .order_by("region__province__code", "name")
    )


def template_list() -> QuerySet[Pemda]:
    return Pemda.objects.filter(is_template=True).order_by("name")
