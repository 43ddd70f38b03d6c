"""Forms of the calibration pages. They only parse; core.performance.calibration decides."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.performance.calibration import OVERRIDE_REASON_MAX
from core.performance.rules import OrgPredikat


class OrgPredikatForm(forms.Form):
    org_predikat = forms.ChoiceField(
        label=_("Organisation predikat"),
        choices=[("", _("Choose…")), *OrgPredikat.choices],
        help_text=_(
            "The capaian kinerja organisasi of the OPD in this period (SE MenPANRB 3/2023)."
        ),
    )


class FinaliseForm(forms.Form):
    """``version``: the OPD period as the page showed it (compare-and-set)."""

    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    override_reason = forms.CharField(
        label=_("Reason for the override"),
        required=False,
        max_length=OVERRIDE_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Only when the distribution breaks the rules: why the OPD is finalised anyway "
            "(at least 10 characters). It is kept in the audit trail."
        ),
    )

    without_evaluation_confirmed = forms.BooleanField(
        label=_("Finalise without the staff who have no evaluation of this period"),
        required=False,
        help_text=_(
            "They can no longer be evaluated for this period afterwards; the trail records "
            "who they were."
        ),
    )

    def __init__(self, *args, override: bool = False, without_evaluation: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not override:
            del self.fields["override_reason"]
        if not without_evaluation:
            del self.fields["without_evaluation_confirmed"]
