import json

from django import forms
from django.utils.translation import gettext_lazy as _

from chuyende.core.forms import StyledFormMixin
from chuyende.core.text import fold
from chuyende.core.uploads import SPREADSHEETS, UploadField
from chuyende.org.models import MEMBER_UNIT_KINDS, Unit, phone_validator
from chuyende.plans.models import Plan

from .imports import MAX_BYTES
from .models import Contest, Round
from .services import ROUND_FIELDS

DATETIME_FORMATS = ["%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
UNIT_OPTIONS = 30


class ContestForm(StyledFormMixin, forms.ModelForm):
    unit = forms.ModelChoiceField(label=_("Organising unit"), queryset=Unit.objects.none())

    class Meta:
        model = Contest
        fields = ["title", "plan", "rules", "members_eligible", "workers_eligible", "published"]
        widgets = {"rules": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, unit_queryset=None, plans=None, **kwargs):
        super().__init__(*args, **kwargs)
        if unit_queryset is None:
            del self.fields["unit"]
        else:
            self.fields["unit"].queryset = unit_queryset
        self.fields["plan"].queryset = plans if plans is not None else Plan.objects.none()
        self.fields["plan"].required = False

    def service_fields(self):
        return {k: v for k, v in self.cleaned_data.items() if k != "unit"}


class QuotasField(forms.CharField):
    """One 'category: number' per line."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        if isinstance(value, dict):
            return "\n".join(f"{k}: {v}" for k, v in value.items())
        return value

    def to_python(self, value):
        quotas = {}
        for line in (value or "").splitlines():
            if not line.strip():
                continue
            category, sep, number = line.rpartition(":")
            if not sep or not number.strip().isdigit():
                raise forms.ValidationError(
                    _("Write one category per line as 'category: number of questions'.")
                )
            quotas[category.strip()] = int(number.strip())
        return quotas


class RoundForm(StyledFormMixin, forms.ModelForm):
    opens_at = forms.DateTimeField(
        label=_("Opens at"),
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    closes_at = forms.DateTimeField(
        label=_("Closes at"),
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    quotas = QuotasField(
        label=_("Questions per category"),
        required=False,
        help_text=_("One per line, e.g. 'Trade union law: 5'. Empty: drawn from the whole bank."),
    )

    class Meta:
        model = Round
        fields = list(ROUND_FIELDS)


class ImportForm(StyledFormMixin, forms.Form):
    file = UploadField(
        label=_("Question bank file (.xlsx or .docx)"),
        kinds=(*SPREADSHEETS, "docx"),
        max_bytes=MAX_BYTES,
        help_text=_(
            "Columns: question, A, B, C, D, answer, category, difficulty. In Word: numbered "
            "questions, options 'A. …' to 'D. …', then 'Đáp án: B'."
        ),
    )


class UnitSelect(forms.Select):
    """A select that renders only a few options (the ones matching the search): the grassroots
    unions of a province are too many for one list on a phone."""


class RegisterForm(StyledFormMixin, forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=120)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        validators=[phone_validator],
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    unit_search = forms.CharField(
        label=_("Find your union"),
        required=False,
        help_text=_("Type part of the name of your grassroots union, then choose it below."),
    )
    unit = forms.ModelChoiceField(
        label=_("Your grassroots union"), queryset=Unit.objects.none(), widget=UnitSelect
    )
    challenge = forms.IntegerField(label=_("Check"))

    def __init__(self, *args, contest, challenge_text="", answer=None, search_url="", **kwargs):
        super().__init__(*args, **kwargs)
        self.answer = answer
        eligible = eligible_units(contest)
        self.fields["unit"].queryset = eligible
        self.fields["challenge"].label = challenge_text
        self.fields["unit_search"].widget.attrs.update(
            {
                "hx-get": search_url,
                "hx-trigger": "input changed delay:300ms, search",
                "hx-target": "#id_unit",
                "hx-swap": "innerHTML",
                "type": "search",
                "autocomplete": "off",
            }
        )
        chosen = self.data.get("unit") if self.is_bound else None
        shown = unit_options(eligible, pk=chosen if str(chosen or "").isdigit() else None)
        self.fields["unit"].widget.choices = [("", _("— choose —"))] + shown

    def clean_challenge(self):
        value = self.cleaned_data["challenge"]
        if self.answer is None or value != self.answer:
            raise forms.ValidationError(_("The answer to the check is not right. Try again."))
        return value


def eligible_units(contest):
    return Unit.objects.filter(
        path__startswith=contest.unit.path, active=True, kind__in=MEMBER_UNIT_KINDS
    )


def unit_label(unit) -> str:
    return unit.name


def unit_options(eligible, *, query="", pk=None) -> list[tuple]:
    rows = eligible.order_by("sort_key")
    if pk:
        rows = rows.filter(pk=pk)
    elif query:
        for word in fold(query).split()[:5]:
            rows = rows.filter(search_name__contains=word)
    return [(u.pk, unit_label(u)) for u in rows.only("pk", "name")[:UNIT_OPTIONS]]


def parse_answers(post) -> dict:
    """{"question id": [option index, …]} from the attempt form (q<id> fields) or a JSON body."""
    raw = post.get("answers_json")
    if raw:
        try:
            data = json.loads(raw)
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}
    answers = {}
    for key in post:
        if key.startswith("q") and key[1:].isdigit():
            answers[key[1:]] = post.getlist(key)
    return answers


def parse_prediction(value):
    value = (value or "").strip().replace(".", "").replace(",", "").replace(" ", "")
    if not value:
        return None
    if not value.isdigit():
        raise forms.ValidationError(_("Give the predicted number as a whole number."))
    return int(value)
