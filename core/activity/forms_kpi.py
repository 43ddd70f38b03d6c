"""Forms of the KPI and team pages. They only parse what was typed or picked; the services
of core.activity.kpi decide, and their refusals are shown next to the field or cell."""

from __future__ import annotations

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from core.activity.kpi import (
    KIND_OPD,
    KIND_PEMDA,
    KIND_TEAM,
    MEASURE_MAX,
    NAME_MAX,
    TEAM_NAME_MAX,
    KpiError,
)
from core.activity.models import KpiAggregation, KpiDirection
from core.org.forms import UNIT_MISSING, CodeChoiceField
from core.org.models import Employee, Unit
from core.ui.widgets import SearchSelect

OWNER_PEMDA, OWNER_UNIT, OWNER_TEAM = "pemda", "unit", "team"
NUMBER_MAX = 30  # characters of a typed number


def errors_show(form: forms.Form, error: KpiError) -> None:
    """Put each refusal next to its field (or above the form)."""
    if not error.fields:
        form.add_error(None, str(error))
    for field, message in error.fields.items():
        form.add_error(field if field in form.fields else None, message)


def _number(label, *, help_text="", required=False) -> forms.CharField:
    # Text, not a DecimalField: "7,5" and "1.250,5" are read by the service, which says
    # what is wrong in the same words for the form, the grid and an import.
    return forms.CharField(
        label=label,
        required=required,
        max_length=NUMBER_MAX,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


class PersonField(forms.ModelChoiceField):
    """An active employee of the whole Pemda picked by name or NIP (a team crosses OPD).
    The value is the NIP as typed; whether it is someone of this Pemda is the service's
    call, so a wrong NIP gets the same message here as in a pasted list."""

    def __init__(self, *, url=None, **kwargs):
        super().__init__(
            Employee.objects.filter(is_active=True),
            to_field_name="nip",
            widget=SearchSelect(url=url or reverse_lazy("activity:kpi_people_lookup")),
            **kwargs,
        )

    def to_python(self, value):
        return "".join((value or "").split())[:40]

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")

    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.nip})"


class KpiFilterForm(forms.Form):
    """The KPI list's filters: the year, whose (the Pemda's, an OPD's, a team's), which OPD
    or team, and words of the name."""

    tahun = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)
    jenis = forms.ChoiceField(
        label=_("Whose"),
        required=False,
        choices=[
            ("", _("All")),
            (KIND_PEMDA, _("The Pemda's")),
            (KIND_OPD, _("OPD and units")),
            (KIND_TEAM, _("Teams")),
        ],
    )
    opd = forms.ChoiceField(label=_("OPD"), required=False)
    tim = forms.TypedChoiceField(label=_("Team"), coerce=int, required=False, empty_value=None)
    q = forms.CharField(label=_("Indicator"), required=False, max_length=100)

    def __init__(self, *args, years=(), opds=(), teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tahun"].choices = [(year, year) for year in years]
        self.fields["opd"].choices = [("", _("All OPD"))] + [(opd.code, opd.name) for opd in opds]
        self.fields["tim"].choices = [("", _("All teams"))] + [
            (team.pk, team.name) for team in teams
        ]
        if len(opds) < 2:
            del self.fields["opd"]
        if not teams:
            del self.fields["tim"]


class KpiForm(forms.Form):
    """A KPI: for a new one also whose it is (the Pemda's, a unit's, a team's) and its year,
    offered as the user may add them; then what it measures and its annual target."""

    owner = forms.ChoiceField(label=_("Whose KPI"))
    unit = CodeChoiceField(
        Unit.objects.all(),
        lookup="units",
        missing=UNIT_MISSING,
        label=_("OPD or unit"),
        required=False,
        help_text=_("For an OPD's or unit's KPI."),
    )
    team = forms.TypedChoiceField(
        label=_("Team"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("For a team's KPI; of the team's year."),
    )
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2999)
    name = forms.CharField(
        label=_("Indicator"),
        max_length=NAME_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    measure = forms.CharField(
        label=_("Unit of measure"),
        max_length=MEASURE_MAX,
        required=False,
        help_text=_("%, Indeks, Dokumen, Orang, Hari …"),
    )
    direction = forms.ChoiceField(
        label=_("Direction"), choices=KpiDirection.choices, initial=KpiDirection.HIGHER
    )
    annual_target = _number(_("Annual target"), help_text=_("A number, e.g. 80 or 7,5."))
    aggregation = forms.ChoiceField(
        label=_("The year's realisation"),
        choices=KpiAggregation.choices,
        initial=KpiAggregation.LAST,
        help_text=_("How the year's realisation is read from the monthly realisations."),
    )
    weight = _number(
        _("Weight"), help_text=_("Its weight in the unit's IKO (the weights need not add up).")
    )
    parent = forms.ChoiceField(
        label=_("Serves the KPI"),
        required=False,
        help_text=_(
            "The KPI one level up that this one serves: an OPD's or a team's serves the "
            "Pemda's or an OPD's; a unit's, one of a unit above it. The Pemda's serve none."
        ),
    )

    def __init__(self, *args, owners=(), teams=(), parents=(), new: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = [("", _("— none —"))] + [
            (str(kpi.pk), parent_label(kpi)) for kpi in parents
        ]
        if not new:
            for name in ("owner", "unit", "team", "year"):
                del self.fields[name]
            return
        self.fields["owner"].choices = list(owners)
        self.fields["team"].choices = [("", _("Choose…"))] + [
            (team.pk, f"{team.name} ({team.year})") for team in teams
        ]
        kinds = {value for value, _label in owners}
        if OWNER_UNIT not in kinds:
            del self.fields["unit"]
        if OWNER_TEAM not in kinds:
            del self.fields["team"]

    def clean(self):
        data = super().clean()
        owner = data.get("owner")
        if owner == OWNER_UNIT and not data.get("unit") and "unit" not in self.errors:
            self.add_error("unit", _("Choose the OPD or unit."))
        if owner == OWNER_TEAM and not data.get("team") and "team" not in self.errors:
            self.add_error("team", _("Choose the team."))
        return data


def parent_label(kpi) -> str:
    owner = kpi.unit.name if kpi.unit_id else _("Pemda")
    return f"{owner}: {kpi.name[:120]}"


class RhkLinkForm(forms.Form):
    rhk = forms.IntegerField(label=_("RHK"), widget=forms.Select)

    def __init__(self, *args, lookup_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rhk"].widget = SearchSelect(url=lookup_url)


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Team name"), max_length=TEAM_NAME_MAX, required=False)
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2999)
    lead = PersonField(
        label=_("Team lead"),
        required=False,
        help_text=_("Manages the team's members and KPIs; by default, you."),
    )

    def __init__(self, *args, new: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not new:
            del self.fields["year"]
            self.fields["lead"].help_text = _("Manages the team's members and KPIs.")


class MembersForm(forms.Form):
    """One person picked from the search, and/or NIPs pasted from a list."""

    member = PersonField(label=_("Search by name or NIP"), required=False)
    nips = forms.CharField(
        label=_("Or paste NIPs"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One or more NIPs, separated by spaces, commas or new lines."),
    )

    def __init__(self, *args, lookup_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if lookup_url:
            self.fields["member"].widget.url = lookup_url

    def nip_list(self) -> list[str]:
        data = self.cleaned_data
        pasted = (data.get("nips") or "").replace(",", " ").replace(";", " ").split()
        return list(dict.fromkeys([*([data["member"]] if data.get("member") else []), *pasted]))
