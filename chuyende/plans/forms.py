from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chuyende.core.forms import StyledFormMixin
from chuyende.core.uploads import DOCUMENTS, IMAGES, PLAN_DOCUMENTS, SPREADSHEETS, UploadField
from chuyende.org.choices import UnitKind
from chuyende.org.forms import DateInput
from chuyende.org.models import Unit

from .choices import AssignmentStatus
from .models import Plan
from .parsing import readers

MAX_UPLOAD = 10 * 1024 * 1024
# Evidence of the work done: documents, sheets, slides, photos, or several in a zip.
EVIDENCE_KINDS = (*DOCUMENTS, *SPREADSHEETS, "pptx", *IMAGES, "zip")


class PlanUploadForm(StyledFormMixin, forms.Form):
    file = UploadField(
        label=_("Plan document (.txt, .docx or .pdf)"),
        kinds=PLAN_DOCUMENTS,
        max_bytes=MAX_UPLOAD,
        messages={  # the plan reader's own Vietnamese messages for the same faults
            "extension": readers.MSG_EXTENSION,
            "empty": readers.MSG_EMPTY,
            "too_big": _("The file is larger than 10 MB."),
            "content": {
                "docx": readers.MSG_DOCX,
                "pdf": readers.MSG_PDF,
                "txt": readers.MSG_BINARY,
            },
        },
    )


def issuing_units(unit_queryset):
    """Units that issue plans: the federation levels, its departments and agencies, and a
    grassroots union only where it is the top of the user's scope (the list stays short)."""
    levels = [
        UnitKind.CONFEDERATION,
        UnitKind.PROVINCE,
        UnitKind.UPPER,
        UnitKind.DEPARTMENT,
        UnitKind.AFFILIATE,
    ]
    qs = unit_queryset.filter(active=True)
    top = qs.order_by("depth").values_list("depth", flat=True).first()
    return qs.filter(Q(kind__in=levels) | Q(depth=top)).order_by("depth", "sort_key")


class PlanForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Plan
        fields = [
            "unit",
            "kind",
            "number",
            "issuer",
            "issuer_parent",
            "place",
            "issued_on",
            "title",
            "status",
        ]
        widgets = {"issued_on": DateInput(), "title": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, unit_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = (
            unit_queryset.filter(active=True)
            .exclude(kind__in=[UnitKind.SECTION])
            .order_by("depth", "sort_key")
        )


class LinesField(forms.CharField):
    """A list of strings edited as one entry per line."""

    widget = forms.Textarea(attrs={"rows": 2})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class TaskForm(StyledFormMixin, forms.Form):
    ref = forms.CharField(label=_("Reference"), max_length=20)
    title = forms.CharField(label=_("Title"), widget=forms.Textarea(attrs={"rows": 2}))
    audiences = LinesField(label=_("Audiences (one per line)"), required=False)
    time = forms.CharField(label=_("Time"), max_length=120, required=False)
    due = forms.DateField(label=_("Due date"), required=False, widget=DateInput())
    form = forms.CharField(label=_("Form"), required=False)
    responsible = LinesField(label=_("Responsible (one per line)"), required=False)
    details = LinesField(label=_("Details (one per line)"), required=False)


TaskFormSet = forms.formset_factory(TaskForm, extra=0, can_delete=True)


class AssignForm(StyledFormMixin, forms.Form):
    LEVELS = [
        ("upper", _("All upper-level unions below")),
        ("grassroots", _("All grassroots unions below")),
        ("chosen", _("Only the units chosen below")),
    ]
    target = forms.ChoiceField(
        label=_("Hand the task to"), choices=LEVELS, widget=forms.RadioSelect, initial="upper"
    )
    units = forms.ModelMultipleChoiceField(
        label=_("Units"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    due_on = forms.DateField(label=_("Due date"), required=False, widget=DateInput())
    instructions = forms.CharField(
        label=_("Instructions"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, unit_queryset, levels=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = unit_queryset
        if not levels:
            self.fields["target"].choices = [("chosen", self.LEVELS[2][1])]
            self.fields["target"].initial = "chosen"
        for name in ("target", "units"):
            self.fields[name].widget.attrs["class"] = "form-check-input"

    def clean(self):
        data = super().clean()
        if data.get("target") == "chosen" and not data.get("units"):
            self.add_error("units", _("Choose at least one unit."))
        return data


class AssignmentUpdateForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=AssignmentStatus.choices)
    progress_note = forms.CharField(label=_("Progress note"), max_length=500, required=False)


class EvidenceForm(StyledFormMixin, forms.Form):
    file = UploadField(
        label=_("File"),
        kinds=EVIDENCE_KINDS,
        max_bytes=MAX_UPLOAD,
        required=False,
        messages={"too_big": _("The file is larger than 10 MB.")},
    )
    link = forms.URLField(label=_("Link"), required=False, max_length=500, assume_scheme="https")
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if not upload and not data.get("link") and "file" not in self.errors:
            raise forms.ValidationError(_("Attach a file or give a link."))
        return data
