import logging

from django.db import connection

from core.config.models import PolicySetting, RuleTable
from core.config.periods import PeriodKind, period_kind_parse

logger = logging.getLogger(__name__)


def setting_get(key: str, default=None):
    row = PolicySetting.objects.filter(key=key).values_list("value", flat=True).first()
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
