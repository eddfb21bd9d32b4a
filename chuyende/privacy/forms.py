from django import forms
from django.utils.translation import gettext_lazy as _

from chuyende.core.forms import StyledFormMixin
from chuyende.org.forms import DateInput
from chuyende.org.models import Member

from . import notice
from .choices import CORRECTABLE_FIELDS, ConsentAction, ConsentState, CorrectionStatus


class ConsentForm(StyledFormMixin, forms.Form):
    agree = forms.BooleanField(
        label=_("I have read the notice and agree to my personal data being processed as it says."),
        error_messages={"required": _("Tick the box to agree, or log out.")},
    )


class PaperConsentForm(StyledFormMixin, forms.Form):
    action = forms.ChoiceField(label=_("Decision on the form"), choices=ConsentAction.choices)
    version = forms.ChoiceField(label=_("Notice version on the form"), choices=())
    signed_on = forms.DateField(label=_("Signed on"), widget=DateInput())
    reference = forms.CharField(
        label=_("Form reference (number, file)"), max_length=120, required=False
    )
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].choices = notice.version_choices()
        self.fields["version"].initial = notice.CURRENT_VERSION


class ConsentFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    unit = forms.IntegerField(required=False, widget=forms.HiddenInput)
    state = forms.ChoiceField(
        label=_("Consent"),
        required=False,
        choices=[("", _("All"))] + list(ConsentState.choices),
    )


def _field_choices():
    return [(name, Member._meta.get_field(name).verbose_name) for name in CORRECTABLE_FIELDS]


class CorrectionForm(StyledFormMixin, forms.Form):
    field = forms.ChoiceField(label=_("Field to correct"), choices=())
    proposed_value = forms.CharField(
        label=_("Correct value"),
        max_length=255,
        help_text=_(
            "Dates as dd/mm/yyyy; gender and ethnicity as written (e.g. Nữ, Ê Đê), accents "
            "optional."
        ),
    )
    note = forms.CharField(
        label=_("Note for the union (e.g. the document that shows it)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [("", "—")] + _field_choices()


class CorrectionDecisionForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (CorrectionStatus.ACCEPTED, _("Accept and correct the record")),
            (CorrectionStatus.REJECTED, _("Reject")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason or note for the member (required to reject)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].widget.attrs["class"] = "form-check-input"


class CorrectionFilterForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All"))] + list(CorrectionStatus.choices),
    )
