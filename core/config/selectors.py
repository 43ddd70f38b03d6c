import logging
import threading
import time

from django.db import connection

from core.config.models import PolicySetting, RuleTable
from core.config.periods import PeriodKind, period_kind_parse

logger = logging.getLogger(__name__)

# --- Per-process cache of the settings --------------------------------------------------------
# Pages read a setting or two per request (the ABK effective time, the evaluation period …),
# a few times a year does the admin change one. Each process keeps every setting of a schema,
# read in one query, for SETTINGS_TTL seconds:
# - the process that changes a setting through core.config.services.policy_setting_set
#   forgets its copy once the change is committed (settings_cache_clear);
# - the other processes (gunicorn workers, Celery workers, other machines) have no way to
#   hear of it without a shared cache or a query, so they see the change within SETTINGS_TTL;
# - inside a transaction the database is read, never the cache: a transaction sees its own
#   uncommitted writes, and a value it wrote and then rolled back must never be kept.
# The page that changes a setting reads it fresh (``fresh=True``), so the admin always sees
# what they saved, whichever worker answers the redirect.
SETTINGS_TTL = 10.0  # seconds

_settings: dict[str, tuple[float, dict]] = {}  # schema → (monotonic time read, {key: value})
_settings_lock = threading.Lock()


def settings_cache_clear(schema: str | None = None) -> None:
    """Forget the cached settings of ``schema`` (every schema when None)."""
    with _settings_lock:
        if schema is None:
            _settings.clear()
        else:
            _settings.pop(schema, None)


def _settings_cached() -> dict:
    schema = connection.schema_name
    now = time.monotonic()
    entry = _settings.get(schema)
    if entry is None or now - entry[0] >= SETTINGS_TTL:
        entry = (now, dict(PolicySetting.objects.values_list("key", "value")))
        with _settings_lock:
            _settings[schema] = entry
    return entry[1]


def setting_get(key: str, default=None, *, fresh: bool = False):
    """One setting of the current Pemda; from the per-process cache unless ``fresh`` or
    inside a transaction (see SETTINGS_TTL)."""
    if fresh or connection.in_atomic_block:
        row = PolicySetting.objects.filter(key=key).values_list("value", flat=True).first()
    else:
        row = _settings_cached().get(key)
    return default if row is None else row


def rule_table_current(name: str) -> RuleTable | None:
    return RuleTable.objects.filter(name=name).order_by("-version").first()


EVALUATION_PERIOD_SETTING = "performance.evaluation_period"
# Official SKP forms (PermenPANRB 6/2022) are quarterly; the Pemda may choose otherwise.
EVALUATION_PERIOD_DEFAULT = PeriodKind.QUARTERLY


def evaluation_period_kind() -> PeriodKind:
    """The current Pemda's evaluation period kind, quarterly unless its policy says otherwise.

    A bad stored value must not take every period page down, so it falls back to the
    default; it is logged because it means the policy editor let junk through.
    """
    value = setting_get(EVALUATION_PERIOD_SETTING)
    if value is None:
        return EVALUATION_PERIOD_DEFAULT
    try:
        return period_kind_parse(value)
    except ValueError:
        logger.warning(
            "Invalid %s %r in schema %s; using %s.",
            EVALUATION_PERIOD_SETTING,
            value,
            connection.schema_name,
            EVALUATION_PERIOD_DEFAULT.value,
        )
        return EVALUATION_PERIOD_DEFAULT
