from django.utils.translation import gettext_lazy as _

from core.audit.actions import action_register

IMPORT_RUN = action_register("import.run", _("File imported"))
IMPORT_REJECT = action_register("import.reject", _("File rejected"))
IMPORT_FAIL = action_register("import.fail", _("Import failed"))
