from django import forms
from django.utils.translation import gettext_lazy as _

from chuyende.core.forms import StyledFormMixin

from .choices import ETHNICITY_CHOICES, Gender, MemberStatus, UnitKind
from .models import MEMBER_UNIT_KINDS, Member, Unit
from .services import MEMBER_FIELDS


class DateInput(forms.DateInput):
    input_type = "text"

    def __init__(self, **kwargs):
        attrs = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"}
        super().__init__(attrs=attrs, format="%d/%m/%Y", **kwargs)


class MemberForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Member
        fields = list(MEMBER_FIELDS)
        widgets = {"date_of_birth": DateInput(), "joined_on": DateInput()}

    def __init__(self, *args, unit_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = unit_queryset.filter(
            kind__in=MEMBER_UNIT_KINDS, active=True
        ).order_by("sort_key")
        self.fields["full_name"].widget.attrs["autocomplete"] = "off"
        self.fields["phone"].widget.attrs.update({"inputmode": "tel"})
        self.fields["id_number"].widget.attrs.update({"inputmode": "numeric"})

    def clean_full_name(self):
        name = " ".join(self.cleaned_data["full_name"].split())
        if len(name.split()) < 2:
            raise forms.ValidationError(_("Enter the full name: family name and given name."))
        return name


class RevealForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why do you need to see it?"),
        max_length=500,
        help_text=_("Recorded in the audit log with your name and the time."),
        error_messages={"required": _("Write why you need to see this member's personal data.")},
    )


class MemberFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    unit = forms.IntegerField(required=False, widget=forms.HiddenInput)
    gender = forms.ChoiceField(
        label=_("Gender"), required=False, choices=[("", _("All"))] + list(Gender.choices)
    )
    ethnicity = forms.ChoiceField(
        label=_("Ethnicity"),
        required=False,
        choices=[("", _("All")), ("minority", _("Ethnic minorities"))] + ETHNICITY_CHOICES,
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + list(MemberStatus.choices)
    )


class UnitForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["code", "name", "short_name", "kind", "sub_kind", "address", "phone", "email"]


class UnitMoveForm(StyledFormMixin, forms.Form):
    new_parent = forms.ModelChoiceField(label=_("New parent unit"), queryset=Unit.objects.none())

    def __init__(self, *args, unit_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].queryset = unit_queryset.filter(
            active=True,
            kind__in=[
                UnitKind.CONFEDERATION,
                UnitKind.PROVINCE,
                UnitKind.UPPER,
                UnitKind.GRASSROOTS,
            ],
        ).order_by("depth", "sort_key")


class UnitMergeForm(StyledFormMixin, forms.Form):
    target = forms.ModelChoiceField(label=_("Merge into"), queryset=Unit.objects.none())

    def __init__(self, *args, unit_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = unit_queryset.filter(active=True).order_by(
            "depth", "sort_key"
        )
