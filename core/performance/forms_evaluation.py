"""Forms of the evaluation pages. They only parse what was typed or picked; the services of
core/performance/evaluation.py decide, and their refusals are shown on the form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.performance.evaluation import EVIDENCE_LINK_MAX, EVIDENCE_NOTE_MAX
from core.performance.rules import TEXT_MAX, Approach, BerAkhlak, Rating

RATING_CHOICES = [("", _("Choose…")), *Rating.choices]


class VersionForm(forms.Form):
    """The version of the evaluation the page showed (its compare-and-set)."""

    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class RealisationForm(VersionForm):
    """The realisation of each IKI of the SKP: a number for a quantitative one (with an
    optional note), words for a qualitative one."""

    def __init__(self, *args, indicators=(), realisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        realisations = realisations or {}
        self.indicators = list(indicators)
        for iki in self.indicators:
            done = realisations.get(iki.pk)
            if iki.approach != Approach.KUALITATIF:
                self.fields[f"value_{iki.pk}"] = forms.CharField(
                    label=_("Realisation"),
                    required=False,
                    max_length=30,
                    widget=forms.TextInput(attrs={"inputmode": "decimal"}),
                    initial=_number(done.value) if done and done.value is not None else "",
                )
            self.fields[f"text_{iki.pk}"] = forms.CharField(
                label=_("Realisation (described)")
                if iki.approach == Approach.KUALITATIF
                else _("Note"),
                required=False,
                max_length=TEXT_MAX,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=done.text if done else "",
            )

    def rows(self) -> dict:
        """{iki pk: (value field, text field)} as bound fields, for the table of IKI."""
        return {
            iki.pk: (
                self[f"value_{iki.pk}"] if f"value_{iki.pk}" in self.fields else None,
                self[f"text_{iki.pk}"],
            )
            for iki in self.indicators
        }


def _number(value) -> str:
    return format(value.normalize(), "f")


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("PDF, JPG, PNG, XLSX or DOCX, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.xlsx,.docx"}),
        allow_empty_file=True,  # the service says why an empty file is refused
    )
    link = forms.CharField(
        label=_("or a link"), required=False, max_length=EVIDENCE_LINK_MAX, help_text="https://…"
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=EVIDENCE_NOTE_MAX)
    rhk = forms.TypedChoiceField(label=_("For the RHK"), required=False, coerce=int)

    def __init__(self, *args, rhks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rhk"].choices = [("", _("The whole SKP"))] + [
            (rhk.pk, _short(rhk.text)) for rhk in rhks
        ]


class FeedbackForm(forms.Form):
    text = forms.CharField(
        label=_("Feedback"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    rhk = forms.TypedChoiceField(label=_("About the RHK"), required=False, coerce=int)

    def __init__(self, *args, rhks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rhk"].choices = [("", _("The whole SKP"))] + [
            (rhk.pk, _short(rhk.text)) for rhk in rhks
        ]


def _short(text: str, size: int = 80) -> str:
    return text if len(text) <= size else f"{text[: size - 1]}…"


class RateForm(VersionForm):
    """Hasil kerja, each of the 7 BerAKHLAK values with any ekspektasi khusus pimpinan, and
    a note."""

    hasil = forms.ChoiceField(label=_("Hasil kerja"), choices=RATING_CHOICES)
    note = forms.CharField(
        label=_("Appraiser's note"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in BerAkhlak.choices:
            self.fields[f"rating_{value}"] = forms.ChoiceField(
                label=label, choices=Rating.choices, widget=forms.RadioSelect
            )
            self.fields[f"expectation_{value}"] = forms.CharField(
                label=_("Ekspektasi khusus pimpinan"),
                required=False,
                max_length=TEXT_MAX,
                widget=forms.Textarea(attrs={"rows": 1}),
            )

    def values(self) -> list:
        """[(label, rating field, expectation field)] in the official order."""
        return [
            (label, self[f"rating_{value}"], self[f"expectation_{value}"])
            for value, label in BerAkhlak.choices
        ]

    def behaviours(self) -> dict:
        return {value: self.cleaned_data[f"rating_{value}"] for value in BerAkhlak.values}

    def expectations(self) -> dict:
        return {
            value: self.cleaned_data[f"expectation_{value}"]
            for value in BerAkhlak.values
            if self.cleaned_data[f"expectation_{value}"]
        }


class ReturnForm(VersionForm):
    note = forms.CharField(
        label=_("What to revise"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )
