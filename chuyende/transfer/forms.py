from django import forms
from django.utils.translation import gettext_lazy as _

from chuyende.core.forms import StyledFormMixin
from chuyende.core.uploads import SPREADSHEETS, UploadField
from chuyende.org.choices import UnitKind

from . import presets as shipped
from .fields import COLUMNS
from .models import Kind

UPPER_KINDS = (UnitKind.CONFEDERATION, UnitKind.PROVINCE, UnitKind.UPPER)


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.code})"


class ImportStartForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("What the sheet holds"), choices=Kind.choices)
    unit = UnitChoiceField(label=_("Import into"), queryset=None, empty_label=None)
    file = UploadField(label=_("Spreadsheet (.xlsx, .xls, .ods or .csv)"), kinds=SPREADSHEETS)
    preset = forms.ChoiceField(
        label=_("Column mapping preset"),
        required=False,
        help_text=_(
            "Left on guessing, a preset whose headers the file matches is suggested and applied; "
            "you check the match on the next page."
        ),
    )

    def __init__(self, *args, units, presets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        kinds = dict(Kind.choices)
        self.saved = {str(p.pk): p for p in presets}
        self.shipped = {p.value: p for p in shipped.system_presets()}
        choices = [("", _("— guess from the headers —"))]
        choices.append(
            (
                _("Shipped with the application"),
                [(v, f"{p.name} — {kinds[p.kind]}") for v, p in self.shipped.items()],
            )
        )
        if self.saved:
            choices.append(
                (
                    _("Saved by your unions"),
                    [
                        (pk, f"{p.name} — {kinds.get(p.kind, p.kind)} ({p.unit.display_name})")
                        for pk, p in self.saved.items()
                    ],
                )
            )
        self.fields["preset"].choices = choices

    def clean_preset(self):
        value = self.cleaned_data.get("preset") or ""
        if not value:
            return None
        return self.shipped.get(value) or self.saved.get(value)

    def clean(self):
        data = super().clean()
        preset, kind = data.get("preset"), data.get("kind")
        if preset is not None and kind and preset.kind != kind:
            self.add_error("preset", _("This preset is for another kind of sheet."))
        return data


class MappingForm(StyledFormMixin, forms.Form):
    """One select per field: which column of the file holds it."""

    preset_name = forms.CharField(
        label=_("Save this mapping as (optional)"),
        max_length=120,
        required=False,
        help_text=_("Next month, choose it when you upload the file."),
    )

    def __init__(self, *args, job, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— not in the file —"))] + [
            (str(i), f"{i + 1}. {h or '…'}") for i, h in enumerate(job.headers)
        ]
        fields = {}
        for column in COLUMNS[job.kind]:
            fields[column.name] = forms.ChoiceField(
                label=column.label,
                choices=choices,
                required=False,
                initial=str(job.mapping[column.name]) if column.name in job.mapping else "",
            )
            fields[column.name].is_required_column = column.required
        fields["preset_name"] = self.fields.pop("preset_name")
        self.fields = fields
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = css

    def mapping(self) -> dict:
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name != "preset_name" and value != ""
        }


class ConfirmForm(forms.Form):
    valid_only = forms.BooleanField(required=False)
