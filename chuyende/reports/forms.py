from django import forms
from django.utils.translation import gettext_lazy as _

from chuyende.core.forms import StyledFormMixin

from .services import NARRATIVE


class ReportForm(StyledFormMixin, forms.Form):
    """The narrative of a report, the declared figures, and the version the officer opened."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    leadership = forms.CharField(
        label=_("I. Leadership and direction"), required=False, widget=forms.Textarea({"rows": 5})
    )
    results = forms.CharField(
        label=_("II. Results"), required=False, widget=forms.Textarea({"rows": 6})
    )
    assessment = forms.CharField(
        label=_("III. Assessment: strengths, limits and causes"),
        required=False,
        widget=forms.Textarea({"rows": 5}),
    )
    proposals = forms.CharField(
        label=_("IV. Proposals and next steps"), required=False, widget=forms.Textarea({"rows": 4})
    )
    number = forms.CharField(
        label=_("Number"), required=False, max_length=40, help_text=_("e.g. 12/BC-LĐLĐ")
    )
    signer_authority = forms.CharField(
        label=_("Signing authority"),
        required=False,
        max_length=80,
        help_text=_("e.g. TM. BAN THƯỜNG VỤ"),
    )
    signer_position = forms.CharField(label=_("Signer's position"), required=False, max_length=80)
    signer_name = forms.CharField(label=_("Signer's name"), required=False, max_length=120)

    def __init__(self, *args, declared_indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.declared_indicators = list(declared_indicators)
        for indicator in self.declared_indicators:
            label = indicator.label
            if indicator.unit_of_measure:
                label = f"{label} ({indicator.unit_label})"
            self.fields[f"figure_{indicator.pk}"] = forms.CharField(
                label=label, required=False, max_length=20
            )
            self.fields[f"figure_{indicator.pk}"].widget.attrs["inputmode"] = "decimal"
            self.fields[f"figure_{indicator.pk}"].widget.attrs["data-indicator"] = indicator.code

    def narrative(self) -> dict:
        return {k: self.cleaned_data.get(k, "") for k in NARRATIVE}

    def declared(self) -> dict:
        return {
            i.code: self.cleaned_data.get(f"figure_{i.pk}", "") for i in self.declared_indicators
        }

    def figure_fields(self):
        return [self[f"figure_{i.pk}"] for i in self.declared_indicators]

    def narrative_fields(self):
        return [self[k] for k in ("leadership", "results", "assessment", "proposals")]

    def signature_fields(self):
        return [self[k] for k in ("number", "signer_authority", "signer_position", "signer_name")]


class ReviewForm(StyledFormMixin, forms.Form):
    ACTIONS = (
        ("accept", _("Accept")),
        ("return", _("Return for changes")),
        ("reopen", _("Reopen")),
    )

    action = forms.ChoiceField(choices=ACTIONS, widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea({"rows": 3}),
        help_text=_("Required to return or reopen a report: say what must be changed."),
    )
