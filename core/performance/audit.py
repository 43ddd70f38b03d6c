"""The performance module's audited actions (core.audit)."""

from django.utils.translation import gettext_lazy as _

from core.audit.actions import action_register

SKP_CREATE = action_register("performance.skp.create", _("SKP created"))
RHK_CREATE = action_register("performance.rhk.create", _("RHK added"))
RHK_UPDATE = action_register("performance.rhk.update", _("RHK changed"))
RHK_DELETE = action_register("performance.rhk.delete", _("RHK removed"))
RHK_ASSIGN = action_register("performance.rhk.assign", _("RHK assigned to several people"))
RHK_TEMPLATE_CREATE = action_register(
    "performance.rhk_template.create", _("RHK catalogue entry added")
)
RHK_TEMPLATE_DELETE = action_register(
    "performance.rhk_template.delete", _("RHK catalogue entry removed")
)
IKI_CREATE = action_register("performance.iki.create", _("IKI added"))
IKI_UPDATE = action_register("performance.iki.update", _("IKI changed"))
IKI_DELETE = action_register("performance.iki.delete", _("IKI removed"))
EVALUATION_SUBMIT = action_register("performance.evaluation.submit", _("Evaluation submitted"))
EVALUATION_RETURN = action_register(
    "performance.evaluation.return", _("Evaluation returned for revision")
)
EVALUATION_RATE = action_register("performance.evaluation.rate", _("Evaluation rated"))
EVALUATION_FINALISE = action_register("performance.evaluation.finalise", _("Evaluation final"))
ORG_PREDIKAT_SET = action_register("performance.org_predikat.set", _("Organisation predikat set"))
UNIT_FINALISE = action_register("performance.unit.finalise", _("OPD period finalised"))
UNIT_OVERRIDE = action_register(
    "performance.unit.override", _("OPD period finalised despite the distribution rules")
)
