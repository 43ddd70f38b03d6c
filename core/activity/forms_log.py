"""Forms of the daily log and the approval pages. They only parse what was typed, picked or
ticked; core.activity.services decides, and its refusals are shown on the page."""

from __future__ import annotations

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from core.activity.services import BULK_MAX, OUTPUT_MAX, PHOTO_MAX_BYTES, REASON_MAX

EVIDENCE_ACCEPT = "image/jpeg,image/png,application/pdf,.jpg,.jpeg,.png,.pdf"
QUANTITY_CHARS = 20


def _megabytes(text: str):
    """``text`` translated when shown (in the reader's language), with the file limit."""
    return lazy(lambda: gettext(text) % {"n": PHOTO_MAX_BYTES // (1024 * 1024)}, str)()


def _evidence_field() -> forms.FileField:
    return forms.FileField(
        label=_("Photo or file"),
        required=False,
        allow_empty_file=True,  # the service says why an empty file is refused
        help_text=_megabytes(gettext_noop("Optional: JPG, PNG or PDF, at most %(n)s MB.")),
        # A new file only: the entry's current one is linked on the page, never cleared.
        widget=forms.FileInput(
            attrs={
                "accept": EVIDENCE_ACCEPT,
                "class": "form-control",
                "data-max-bytes": PHOTO_MAX_BYTES,
                "data-text-too-big": _megabytes(gettext_noop("This file is larger than %(n)s MB.")),
            }
        ),
    )


def _rhk_choices(rhks) -> list[tuple]:
    return [("", _("No RHK"))] + [(rhk.pk, rhk.text[:120]) for rhk in rhks]


class EntryForm(forms.Form):
    """The quantity, output, RHK and evidence of an entry (a new one adds the day and the
    activity: ``LogForm``)."""

    quantity = forms.CharField(
        label=_("Quantity"),
        max_length=QUANTITY_CHARS,
        initial="1",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    output = forms.CharField(
        label=_("Output"),
        required=False,
        max_length=OUTPUT_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    # The RHK's id; the service checks that it is one of the owner's SKP of the day's year.
    rhk = forms.CharField(
        label=_("For the RHK"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    evidence = _evidence_field()

    def __init__(self, *args, rhks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rhk"].widget.choices = _rhk_choices(rhks)


class LogForm(EntryForm):
    day = forms.DateField(widget=forms.HiddenInput)
    norm = forms.IntegerField(
        label=_("Activity"),
        widget=forms.Select,
        error_messages={"required": _("Choose an activity from the catalogue.")},
    )
    field_order = ["day", "norm", "quantity", "output", "rhk", "evidence"]

    def __init__(self, *args, norms=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["norm"].widget.choices = [("", _("Type to search…"))] + [
            (norm.pk, norm.name) for norm in norms
        ]


class RepeatForm(forms.Form):
    day = forms.DateField(widget=forms.HiddenInput)
    ids = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, *args, offered=(), **kwargs):
        """``offered``: the ids the page ticked; the service checks they are the user's."""
        super().__init__(*args, **kwargs)
        self.fields["ids"].choices = [(pk, pk) for pk in offered]


class FavouriteForm(forms.Form):
    norm = forms.IntegerField()
    day = forms.DateField(required=False)


class DecideForm(forms.Form):
    """The approval page's form: the ticked entries approved or rejected together, or one
    approved by its own button (``approve_one``)."""

    APPROVE, REJECT = "approve", "reject"

    action = forms.ChoiceField(
        choices=[(APPROVE, _("Approve")), (REJECT, _("Reject"))], required=False
    )
    approve_one = forms.IntegerField(required=False)
    reason = forms.CharField(
        label=_("Reason for rejecting"),
        required=False,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def chosen(self) -> tuple[list[str], bool | None]:
        """(the ids to decide, approve? — None when no action was chosen): one entry's own
        button wins over the ticked boxes (``ids``, which the service parses)."""
        one = self.cleaned_data.get("approve_one")
        if one is not None:
            return [str(one)], True
        action = self.cleaned_data.get("action")
        ids = self.data.getlist("ids")[: BULK_MAX + 1]
        return ids, (action == self.APPROVE) if action else None
