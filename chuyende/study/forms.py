from django import forms
from django.utils.translation import gettext_lazy as _

from chuyende.core.forms import StyledFormMixin
from chuyende.core.uploads import UploadField
from chuyende.org.forms import DateInput
from chuyende.org.models import Unit
from chuyende.plans.forms import LinesField
from chuyende.plans.models import Task

from .choices import OPENS_BEFORE_CHOICES, ExpectedMode, SessionDelivery, SessionKind
from .models import CODE_LENGTH
from .services import SESSION_FIELDS
from .uploads import MINUTES_KINDS, PHOTO_KINDS, minutes_kind, photo_kind


class TaskChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, task):
        return f"{task.plan.number or task.plan.title[:40]} — {task.ref}. {task.title[:90]}"


class SessionForm(StyledFormMixin, forms.Form):
    """A session's fields; `unit` only when creating (a session never changes unit)."""

    unit = forms.ModelChoiceField(label=_("Organising unit"), queryset=Unit.objects.none())
    task = TaskChoiceField(
        label=_("Plan task"),
        queryset=Task.objects.none(),
        required=False,
        empty_label=_("— No task —"),
    )
    title = forms.CharField(label=_("Title"), max_length=255)
    kind = forms.ChoiceField(label=_("Kind"), choices=SessionKind.choices)
    delivery = forms.ChoiceField(label=_("Form"), choices=SessionDelivery.choices)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    start_time = forms.TimeField(
        label=_("Start time"),
        required=False,
        input_formats=["%H:%M", "%Hh%M", "%H.%M"],
        widget=forms.TimeInput(
            format="%H:%M", attrs={"placeholder": "hh:mm", "inputmode": "numeric"}
        ),
    )
    place = forms.CharField(label=_("Place"), max_length=255, required=False)
    audiences = LinesField(
        label=_("Target audiences (one per line)"),
        required=False,
        help_text=_("Left empty, the audiences of the task are used."),
    )
    expected_mode = forms.ChoiceField(
        label=_("Expected participants"),
        choices=ExpectedMode.choices,
        widget=forms.RadioSelect,
        initial=ExpectedMode.MEMBERS,
    )
    expected_number = forms.IntegerField(
        label=_("Number of people expected"), required=False, min_value=1, max_value=1_000_000
    )
    expected_units = forms.ModelMultipleChoiceField(
        label=_("Units whose active members are expected"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    speakers = forms.CharField(
        label=_("Speakers (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    materials = forms.CharField(
        label=_("Materials used (text or links)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    minutes = UploadField(
        label=_("Minutes (PDF, Word or a photo, at most 10 MB)"),
        required=False,
        kinds=MINUTES_KINDS,
        check=minutes_kind,
        widget=forms.FileInput(),
    )
    remove_minutes = forms.BooleanField(label=_("Remove the current minutes"), required=False)
    checkin_opens_before = forms.TypedChoiceField(
        label=_("Check-in opens"), choices=OPENS_BEFORE_CHOICES, coerce=int, initial=0
    )

    def __init__(
        self,
        *args,
        unit_queryset=None,
        tasks=None,
        expected_choices=None,
        has_minutes=False,
        refresh_url="",
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        if not has_minutes:
            del self.fields["remove_minutes"]
        if unit_queryset is None:
            del self.fields["unit"]
        else:
            self.fields["unit"].queryset = unit_queryset
        self.fields["task"].queryset = tasks if tasks is not None else Task.objects.none()
        self.fields["expected_units"].queryset = (
            expected_choices if expected_choices is not None else Unit.objects.none()
        )
        for name in ("expected_mode", "expected_units"):
            self.fields[name].widget.attrs["class"] = "form-check-input"
        self.fields["title"].widget.attrs["autocomplete"] = "off"
        if refresh_url:  # htmx: the task list follows the unit, the audiences follow the task
            if "unit" in self.fields:
                self.fields["unit"].widget.attrs.update(
                    {"hx-get": refresh_url, "hx-target": "#task-field", "hx-swap": "outerHTML"}
                )
            self.fields["task"].widget.attrs.update(
                {
                    "hx-get": refresh_url,
                    "hx-target": "#audiences-field",
                    "hx-swap": "outerHTML",
                    "hx-include": "[name='unit'],[name='audiences']",
                }
            )

    def clean(self):
        data = super().clean()
        if data.get("expected_mode") == ExpectedMode.NUMBER and not data.get("expected_number"):
            self.add_error("expected_number", _("Give the number of people expected."))
        if data.get("expected_mode") == ExpectedMode.MEMBERS and not data.get("expected_units"):
            self.add_error("expected_units", _("Choose the units whose members are expected."))
        return data

    def service_fields(self) -> dict:
        return {key: self.cleaned_data[key] for key in SESSION_FIELDS}


class HeadcountForm(StyledFormMixin, forms.Form):
    total = forms.IntegerField(label=_("People not on any list"), min_value=0, max_value=100_000)
    women = forms.IntegerField(label=_("of whom women"), min_value=0, max_value=100_000)
    minority = forms.IntegerField(
        label=_("of whom ethnic minority"), min_value=0, max_value=100_000
    )
    members = forms.IntegerField(label=_("of whom union members"), min_value=0, max_value=100_000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["inputmode"] = "numeric"


class PhotoForm(StyledFormMixin, forms.Form):
    image = UploadField(
        label=_("Photo (JPEG, PNG or WebP, at most 5 MB)"),
        kinds=PHOTO_KINDS,
        check=photo_kind,
        widget=forms.FileInput(),
    )
    caption = forms.CharField(label=_("Caption"), max_length=255, required=False)


class CheckinForm(StyledFormMixin, forms.Form):
    card_number = forms.CharField(label=_("Union card number"), max_length=30)
    date_of_birth = forms.DateField(label=_("Date of birth"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["card_number"].widget.attrs.update(
            {"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        )


class CodeForm(StyledFormMixin, forms.Form):
    code = forms.CharField(label=_("Session code"), max_length=20)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(
            {
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "class": "form-control form-control-lg text-uppercase",
            }
        )

    def clean_code(self):
        code = "".join(ch for ch in self.cleaned_data["code"].upper() if ch.isalnum())
        if len(code) != CODE_LENGTH:
            raise forms.ValidationError(_("The code has 6 letters and digits."))
        return code


class SessionFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Title or code"), required=False)
    unit = forms.IntegerField(required=False, widget=forms.HiddenInput)
    task = forms.IntegerField(required=False, widget=forms.HiddenInput)


class RollupForm(StyledFormMixin, forms.Form):
    unit = forms.IntegerField(required=False, widget=forms.HiddenInput)
    task = TaskChoiceField(
        label=_("Plan task"),
        queryset=Task.objects.none(),
        required=False,
        empty_label=_("All sessions"),
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args, tasks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task"].queryset = tasks

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end of the period is before its start."))
        return data
