"""The kinds of audited change, with their names for people.

Each module declares its own actions (``core/<module>/audit.py`` is a good home) so the
history page can name and filter them; an undeclared action still shows, by its code.
"""

from django.utils.functional import Promise

_LABELS: dict[str, str | Promise] = {}


def action_register(code: str, label: str | Promise) -> str:
    """Declare an audited action; returns the code so modules can keep it as a constant."""
    _LABELS[code] = label
    return code


def action_label(code: str) -> str:
    return str(_LABELS.get(code, code))


def action_choices() -> list[tuple[str, str]]:
    return sorted(((code, str(label)) for code, label in _LABELS.items()), key=lambda c: c[1])


# Names (and value labels) of keys that are not fields of the record's model, e.g. "atasan"
# on an employee's change, or an import's counts; a model's own fields need none.
_FIELD_LABELS: dict[str, tuple[str | Promise, dict]] = {}


def field_label_register(key: str, label: str | Promise, values: dict | None = None) -> None:
    _FIELD_LABELS[key] = (label, dict(values or {}))


def field_label(key: str) -> tuple[str | Promise, dict] | None:
    return _FIELD_LABELS.get(key)
