from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chuyende.core.forms import StyledFormMixin
from chuyende.core.uploads import MultipleUploadField
from chuyende.org.forms import DateInput
from chuyende.org.models import Unit
from chuyende.plans.models import Task

from .choices import AwardKind, Category, NominationStatus, NomineeKind
from .models import Nomination
from .uploads import FILE_KINDS, MAX_FILES, MAX_PHOTOS, PHOTO_KINDS, file_kind, photo_kind

OCCASIONS = (
    "Sơ kết 03 năm thực hiện Kết luận số 01-KL/TW của Bộ Chính trị",
    "Tổng kết Chuyên đề năm 2024",
    "Kỷ niệm 95 năm Ngày thành lập Công đoàn Việt Nam (28/7/1929 - 28/7/2024)",
    "Tổng kết năm 2024",
)


class TaskChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, task):
        return f"{task.plan.number or task.plan.title[:40]} — {task.ref}. {task.title[:90]}"


class NominationForm(StyledFormMixin, forms.Form):
    unit = forms.ModelChoiceField(label=_("Proposing unit"), queryset=Unit.objects.none())
    kind = forms.ChoiceField(
        label=_("Proposed"),
        choices=NomineeKind.choices,
        widget=forms.RadioSelect,
        initial=NomineeKind.PERSON,
    )
    member = forms.IntegerField(required=False, widget=forms.HiddenInput)
    nominee_unit = forms.ModelChoiceField(
        label=_("Collective"), queryset=Unit.objects.none(), required=False
    )
    nominee_position = forms.CharField(
        label=_("Position, job (as printed in the decision)"), max_length=255, required=False
    )
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    title = forms.CharField(
        label=_("Title of the story"),
        max_length=255,
        help_text=_("A short headline, e.g. 'The Ê Đê teacher who keeps the gong culture alive'."),
    )
    achievement = forms.CharField(
        label=_("Achievements and story"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Plain text; shown on the public showcase once approved."),
    )
    figures = forms.CharField(
        label=_("Figures (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    task = TaskChoiceField(
        label=_("Plan task it answers"),
        queryset=Task.objects.none(),
        required=False,
        empty_label=_("— No task —"),
    )
    occasion = forms.CharField(label=_("Occasion of the award"), max_length=255, required=False)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    showcase = forms.BooleanField(
        label=_("Show on the public showcase once approved (name, unit and story only)"),
        required=False,
        initial=True,
    )
    keep = forms.BooleanField(
        label=_("Grant it here: keep it for a Giấy khen of this grassroots union"),
        required=False,
        help_text=_(
            "Under QĐ 999/QĐ-TLĐ a grassroots union grants its own Giấy khen: the nomination "
            "then waits for this union's decision instead of going up for review."
        ),
    )
    photos = MultipleUploadField(
        label=_("Photos (JPEG, PNG or WebP, at most 5 MB each, 6 at most)"),
        required=False,
        kinds=PHOTO_KINDS,
        check=photo_kind,
        max_files=MAX_PHOTOS,
    )
    files = MultipleUploadField(
        label=_("Evidence files (PDF, Word or photos, at most 10 MB each, 5 at most)"),
        required=False,
        kinds=FILE_KINDS,
        check=file_kind,
        max_files=MAX_FILES,
    )

    def __init__(
        self,
        *args,
        units=None,
        nominee_units=None,
        tasks=None,
        refresh_url="",
        can_keep=False,
        **kwargs,
    ):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("year", timezone.localdate().year)
        super().__init__(*args, **kwargs)
        if units is None or not can_keep:
            del self.fields["keep"]
        if units is None:
            del self.fields["unit"]
        else:
            self.fields["unit"].queryset = units
            if refresh_url:
                self.fields["unit"].widget.attrs.update(
                    {
                        "hx-get": refresh_url,
                        "hx-target": "#nominee-fields",
                        "hx-select": "#nominee-fields",
                        "hx-swap": "outerHTML",
                    }
                )
        self.fields["nominee_unit"].queryset = (
            nominee_units if nominee_units is not None else Unit.objects.none()
        )
        self.fields["task"].queryset = tasks if tasks is not None else Task.objects.none()
        self.fields["kind"].widget.attrs["class"] = "form-check-input"
        self.fields["occasion"].widget.attrs["list"] = "occasion-list"
        self.fields["title"].widget.attrs["autocomplete"] = "off"
        self.fields["year"].widget.attrs["inputmode"] = "numeric"

    def clean(self):
        data = super().clean()
        if data.get("kind") == NomineeKind.PERSON and not data.get("member"):
            self.add_error("member", _("Choose the member proposed."))
        if data.get("kind") == NomineeKind.COLLECTIVE and not data.get("nominee_unit"):
            self.add_error("nominee_unit", _("Choose the collective proposed."))
        return data

    def service_fields(self) -> dict:
        keys = ("category", "title", "achievement", "figures", "task", "occasion", "year")
        fields = {key: self.cleaned_data[key] for key in keys}
        fields["showcase"] = self.cleaned_data["showcase"]
        fields["nominee_position"] = self.cleaned_data["nominee_position"]
        return fields


class ActionForm(StyledFormMixin, forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to return or not accept a nomination."),
    )


class NominationFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Name, title or unit"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All"))] + NominationStatus.choices, required=False
    )
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", _("All"))] + Category.choices, required=False
    )
    mine = forms.BooleanField(label=_("Waiting for my action"), required=False)
    unit = forms.IntegerField(required=False, widget=forms.HiddenInput)
    start = forms.DateField(required=False, widget=forms.HiddenInput)
    end = forms.DateField(required=False, widget=forms.HiddenInput)


class DecisionForm(StyledFormMixin, forms.Form):
    unit = forms.ModelChoiceField(label=_("Issuing unit"), queryset=Unit.objects.none())
    award_kind = forms.ChoiceField(label=_("Award"), choices=AwardKind.choices)
    number = forms.CharField(label=_("Number"), max_length=40, help_text=_("e.g. 125/QĐ-LĐLĐ"))
    date = forms.DateField(label=_("Date"), widget=DateInput())
    reason = forms.CharField(
        label=_("For (the achievement, as worded in Article 1)"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    occasion = forms.CharField(label=_("Occasion of the award"), max_length=255, required=False)
    thematic_review = forms.BooleanField(
        label=_("A thematic review (e.g. the 3-year review of Conclusion 01-KL/TW)"),
        required=False,
    )
    nominations = forms.ModelMultipleChoiceField(
        label=_("Awardees (nominations waiting for this unit's decision)"),
        queryset=Nomination.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    signer_authority = forms.CharField(
        label=_("Signing on behalf of"), max_length=120, required=False, initial="TM. BAN THƯỜNG VỤ"
    )
    signer_position = forms.CharField(label=_("Signer's position"), max_length=120)
    signer_name = forms.CharField(label=_("Signer"), max_length=120)
    confirm_repeats = forms.BooleanField(
        label=_("I have checked the awardees already awarded this year by this level"),
        required=False,
    )

    def __init__(self, *args, units, candidates, kinds, refresh_url="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["nominations"].queryset = candidates
        self.fields["nominations"].widget.attrs["class"] = "form-check-input"
        self.fields["award_kind"].choices = [(k, AwardKind(k).label) for k in kinds]
        self.fields["occasion"].widget.attrs["list"] = "occasion-list"
        if refresh_url:
            self.fields["unit"].widget.attrs.update(
                {
                    "hx-get": refresh_url,
                    "hx-target": "#decision-unit-fields",
                    "hx-select": "#decision-unit-fields",
                    "hx-swap": "outerHTML",
                }
            )

    def clean(self):
        data = super().clean()
        if (
            "nominations" in self.fields
            and not data.get("nominations")
            and not self.errors.get("nominations")
        ):
            self.add_error("nominations", _("A decision lists at least one awardee."))
        return data

    def service_fields(self) -> dict:
        keys = (
            "award_kind",
            "number",
            "date",
            "reason",
            "occasion",
            "thematic_review",
            "signer_authority",
            "signer_position",
            "signer_name",
        )
        return {key: self.cleaned_data[key] for key in keys}


class QuotaForm(StyledFormMixin, forms.Form):
    issuer = forms.ModelChoiceField(label=_("Granting level"), queryset=Unit.objects.none())
    unit = forms.ModelChoiceField(label=_("For the nominees of"), queryset=Unit.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    award_kind = forms.ChoiceField(label=_("Award"), choices=AwardKind.choices)
    limit = forms.IntegerField(label=_("At most"), min_value=0, max_value=100_000)

    def __init__(self, *args, issuers, units, refresh_url="", **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("year", timezone.localdate().year)
        super().__init__(*args, **kwargs)
        self.fields["issuer"].queryset = issuers
        self.fields["unit"].queryset = units
        if refresh_url:
            self.fields["issuer"].widget.attrs.update(
                {
                    "hx-get": refresh_url,
                    "hx-target": "#quota-unit-field",
                    "hx-select": "#quota-unit-field",
                    "hx-swap": "outerHTML",
                }
            )


class ShowcaseFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    unit = forms.TypedChoiceField(label=_("Unit"), required=False, coerce=int, empty_value=None)
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", _("All"))] + Category.choices, required=False
    )

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("All units"))] + [
            (u.pk, u.display_name) for u in units
        ]
