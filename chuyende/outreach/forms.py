from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from chuyende.core.forms import StyledFormMixin
from chuyende.core.uploads import UploadField
from chuyende.org.choices import UnitKind
from chuyende.org.forms import DateInput
from chuyende.org.models import Unit

from .choices import Channel, Decision, PostStatus
from .validators import SCREENSHOT_KINDS, screenshot_extension

FILLED_FROM_LINK = _("Left empty, it is filled from the link when the link tells it.")


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


def _suggest_attrs():
    return {
        "hx-get": reverse_lazy("outreach:link_suggest"),
        "hx-trigger": "input changed delay:400ms, change",
        "hx-target": "#link-suggestions",
        "hx-swap": "outerHTML",
        "hx-include": "#id_channel, #id_title, #id_published_on, #id_occasion",
        "hx-sync": "this:replace",
    }


class LinkFieldsForm(StyledFormMixin, forms.Form):
    """The fields a pasted link can fill (also rendered alone by the htmx suggestion)."""

    channel = forms.ChoiceField(
        label=_("Channel"),
        required=False,
        choices=[("", "—")] + list(Channel.choices),
        help_text=FILLED_FROM_LINK,
    )
    title = forms.CharField(
        label=_("Title"), required=False, max_length=255, help_text=FILLED_FROM_LINK
    )
    published_on = forms.DateField(
        label=_("Date published"), required=False, widget=DateInput(), help_text=FILLED_FROM_LINK
    )
    occasion = forms.ModelChoiceField(label=_("Occasion"), queryset=None, required=False)

    def __init__(self, *args, occasion_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occasion"].queryset = occasion_queryset
        self.fields["occasion"].label_from_instance = occasion_label


def occasion_label(occasion):
    day = f"{occasion.date:%d/%m}" if occasion.recurring else f"{occasion.date:%d/%m/%Y}"
    return f"{day} — {occasion.name}"


class PostForm(LinkFieldsForm):
    """Field checks only; the rules (link, channel, dates, occasion, review) are in services."""

    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    link = forms.CharField(
        label=_("Link"),
        required=False,
        max_length=500,
        help_text=_("Paste the address of the post: the channel, date and title are read from it."),
        widget=forms.TextInput(attrs={"inputmode": "url", "autocomplete": "off"}),
    )
    task = forms.ModelChoiceField(label=_("Plan task"), queryset=None, required=False)
    views = forms.IntegerField(label=_("Views"), required=False, min_value=0)
    reactions = forms.IntegerField(label=_("Reactions"), required=False, min_value=0)
    shares = forms.IntegerField(label=_("Shares"), required=False, min_value=0)
    screenshot = UploadField(
        label=_("Screenshot (PNG, JPEG, WebP or GIF, at most 5 MB)"),
        required=False,
        kinds=SCREENSHOT_KINDS,
        check=screenshot_extension,
        widget=forms.FileInput(),
    )
    remove_screenshot = forms.BooleanField(label=_("Remove the screenshot"), required=False)
    field_order = ["unit", "link", "channel", "title", "published_on", "occasion", "task"]

    def __init__(self, *args, unit_queryset, task_queryset, has_screenshot=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not has_screenshot:
            del self.fields["remove_screenshot"]
        self.fields["unit"].queryset = (
            unit_queryset.filter(active=True)
            .exclude(kind=UnitKind.SECTION)
            .order_by("depth", "sort_key")
        )
        self.fields["link"].widget.attrs.update(_suggest_attrs())
        self.fields["task"].queryset = task_queryset
        self.fields["task"].label_from_instance = lambda t: (
            f"{t.plan.number or t.plan.title[:30]} · {t.ref}. {t.title[:70]}"
        )

    def post_fields(self) -> dict:
        data = dict(self.cleaned_data)
        for key in ("screenshot", "unit", "remove_screenshot"):
            data.pop(key, None)
        return data


class PostFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Title (accents optional)"), required=False)
    unit = forms.IntegerField(required=False, widget=forms.HiddenInput)
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("All"))] + list(Channel.choices)
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + list(PostStatus.choices)
    )
    occasion = forms.IntegerField(required=False, widget=forms.HiddenInput)
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())


class ReviewForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices)
    note = forms.CharField(
        label=_("Note (required to reject)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class OccasionForm(StyledFormMixin, forms.Form):
    unit = UnitChoiceField(label=_("Calendar of"), queryset=Unit.objects.none())
    name = forms.CharField(label=_("Name"), max_length=255)
    date = forms.DateField(
        label=_("Date"),
        widget=DateInput(),
        help_text=_("For a yearly anniversary, the date of the event remembered (28/07/1929)."),
    )
    recurring = forms.BooleanField(label=_("Every year"), required=False)

    def __init__(self, *args, unit_queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        if unit_queryset is None:
            del self.fields["unit"]
        else:
            self.fields["unit"].queryset = (
                unit_queryset.filter(active=True)
                .exclude(kind=UnitKind.SECTION)
                .order_by("depth", "sort_key")
            )


class WebsiteForm(StyledFormMixin, forms.Form):
    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    domain = forms.CharField(
        label=_("Domain"),
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": "ldldaklak.org.vn", "inputmode": "url"}),
    )

    def __init__(self, *args, unit_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = (
            unit_queryset.filter(active=True)
            .exclude(kind=UnitKind.SECTION)
            .order_by("depth", "sort_key")
        )


class PeriodForm(StyledFormMixin, forms.Form):
    unit = forms.IntegerField(required=False, widget=forms.HiddenInput)
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("The end of the period is before its start."))
        return data
