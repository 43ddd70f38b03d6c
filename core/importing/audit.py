from django.utils.translation import gettext_lazy as _

from core.audit.actions import action_register, field_label_register

IMPORT_RUN = action_register("import.run", _("File imported"))
IMPORT_REJECT = action_register("import.reject", _("File rejected"))
IMPORT_FAIL = action_register("import.fail", _("Import failed"))

for key, label in {
    "file": _("File"),
    "kind": _("Kind"),
    "rows": _("Rows"),
    "created": _("created"),
    "updated": _("updated"),
    "unchanged": _("unchanged"),
    "bad_rows": _("bad rows"),
    "good_rows_only": _("good rows only"),
    "error": _("What is wrong"),
}.items():
    field_label_register(key, label)
