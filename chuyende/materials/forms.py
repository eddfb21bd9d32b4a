from django import forms
from django.utils.translation import gettext_lazy as _

from chuyende.core.forms import StyledFormMixin
from chuyende.core.uploads import UploadField
from chuyende.plans.forms import LinesField

from .choices import MaterialKind

ACCEPTED = ".pdf,.docx,.pptx"


class FreeMultipleChoiceField(forms.MultipleChoiceField):
    """Checkboxes offering suggestions; any posted value is accepted (audiences are free text)."""

    def valid_value(self, value):
        return True


class MaterialForm(StyledFormMixin, forms.Form):
    unit = forms.ModelChoiceField(label=_("Published by"), queryset=None)
    title = forms.CharField(label=_("Title"), max_length=255)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=MaterialKind.choices)
    # The kind chosen decides which of these the file must be (materials.services.check_upload).
    file = UploadField(
        label=_("File"),
        required=False,
        kinds=("pdf", "docx", "pptx"),
        widget=forms.FileInput(attrs={"accept": ACCEPTED}),
    )
    url = forms.URLField(
        label=_("Link (video or web page)"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("For a video or a link: YouTube, Facebook video, the federation's site…"),
        widget=forms.URLInput(attrs={"placeholder": "https://", "inputmode": "url"}),
    )
    plan = forms.ModelChoiceField(label=_("Plan"), queryset=None, required=False)
    audiences_suggested = FreeMultipleChoiceField(
        label=_("Audiences"), required=False, widget=forms.CheckboxSelectMultiple
    )
    audiences_other = LinesField(label=_("Other audiences (one per line)"), required=False)

    def __init__(
        self, *args, unit_queryset, plan_queryset, suggestions, max_size_mb, editing=False, **kw
    ):
        super().__init__(*args, **kw)
        self.fields["unit"].queryset = unit_queryset
        self.fields["plan"].queryset = plan_queryset
        self.fields["audiences_suggested"].choices = [(s, s) for s in suggestions]
        self.fields["audiences_suggested"].widget.attrs["class"] = "form-check-input"
        help_text = _("PDF, Word (.docx) or PowerPoint (.pptx), at most %(size)s MB.") % {
            "size": max_size_mb
        }
        if editing:
            keep = _("Leave empty to keep the current file.")
            help_text = f"{help_text} {keep}"
        self.fields["file"].help_text = help_text

    @staticmethod
    def initial_for(material, suggestions) -> dict:
        offered = set(suggestions)
        return {
            "unit": material.unit,
            "title": material.title,
            "description": material.description,
            "kind": material.kind,
            "url": material.url,
            "plan": material.plan,
            "audiences_suggested": [a for a in material.audiences if a in offered],
            "audiences_other": [a for a in material.audiences if a not in offered],
        }

    def service_fields(self) -> dict:
        """The cleaned data as the material services take it."""
        data = self.cleaned_data
        return {
            "unit": data["unit"],
            "title": data["title"],
            "description": data["description"],
            "kind": data["kind"],
            "file": data["file"],
            "url": data["url"],
            "plan": data["plan"],
            "audiences": list(data["audiences_suggested"]) + list(data["audiences_other"]),
        }


class MaterialFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(
        label=_("Title (accents optional)"),
        required=False,
        widget=forms.SearchInput(attrs={"autocomplete": "off"}),
    )
    plan = forms.TypedChoiceField(label=_("Plan"), required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All"))] + list(MaterialKind.choices)
    )
    audience = forms.ChoiceField(label=_("Audience"), required=False)

    def __init__(self, *args, plans, audiences, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = [("", _("All"))] + [
            (p.pk, p.number or p.title[:60]) for p in plans
        ]
        self.fields["audience"].choices = [("", _("All"))] + [(a, a) for a in audiences]
