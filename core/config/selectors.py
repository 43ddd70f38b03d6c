from core.config.models import PolicySetting, RuleTable


def setting_get(key: str, default=None):
    row = PolicySetting.objects.filter(key=key).values_list("value", flat=True).first()
    return default if row is None else row


def rule_table_current(name: str) -> RuleTable | None:
    return RuleTable.objects.filter(name=name).order_by("-version").first()
