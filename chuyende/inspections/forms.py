from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chuyende.core.forms import StyledFormMixin
from chuyende.org.forms import DateInput
from chuyende.org.models import Unit
from chuyende.plans.forms import LinesField
from chuyende.plans.models import Plan

from .choices import Rating


class PlanChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, plan):
        return f"{plan.number} — {plan.title[:90]}" if plan.number else plan.title[:100]


class InspectionPlanForm(StyledFormMixin, forms.Form):
    """The plan's own fields; the units to inspect and the tasks are checkboxes drawn by the
    template (they follow the issuing unit and the plan chosen, through htmx)."""

    unit = forms.ModelChoiceField(label=_("Issuing unit"), queryset=Unit.objects.none())
    plan = PlanChoiceField(
        label=_("Plan checked"),
        queryset=Plan.objects.none(),
        required=False,
        empty_label=_("— No plan —"),
    )
    number = forms.CharField(label=_("Number"), max_length=60, required=False)
    title = forms.CharField(
        label=_("Title"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    start_on = forms.DateField(label=_("From"), widget=DateInput())
    end_on = forms.DateField(label=_("To"), widget=DateInput())
    team = LinesField(
        label=_("Inspection team (one person per line: name, position)"),
        help_text=_("The first person leads the team."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # Drawn as checkboxes by the template; here so that the services' errors show beside them.
    units = forms.Field(required=False, widget=forms.MultipleHiddenInput)
    tasks = forms.Field(required=False, widget=forms.MultipleHiddenInput)
    free_points = LinesField(
        label=_("Other points to check (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, units=None, plans=None, editing=False, refresh_url="", **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["unit"]
        else:
            self.fields["unit"].queryset = units if units is not None else Unit.objects.none()
            self.fields["unit"].widget.attrs.update(
                {
                    "hx-get": refresh_url,
                    "hx-target": "#plan-form-body",
                    "hx-select": "#plan-form-body",
                    "hx-swap": "outerHTML",
                    "hx-include": "closest form",
                }
            )
        self.fields["plan"].widget.attrs.update(
            {
                "hx-get": refresh_url,
                "hx-target": "#task-options",
                "hx-swap": "outerHTML",
                "hx-include": "closest form",
            }
        )
        self.fields["plan"].queryset = plans if plans is not None else Plan.objects.none()
        if not self.is_bound and not self.initial.get("year"):
            self.initial["year"] = timezone.localdate().year

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            key: data.get(key) for key in ("plan", "number", "title", "year", "start_on", "end_on")
        }


class StartForm(StyledFormMixin, forms.Form):
    date = forms.DateField(label=_("Date of the inspection"), widget=DateInput())


class FindingForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label=_("Finding"), widget=forms.Textarea(attrs={"rows": 3}))
    rating = forms.ChoiceField(label=_("Rating"), choices=[("", "—"), *Rating.choices])


class ConcludeForm(StyledFormMixin, forms.Form):
    conclusion = forms.CharField(
        label=_("Overall conclusion"), widget=forms.Textarea(attrs={"rows": 4})
    )
    notice_number = forms.CharField(
        label=_("Number of the conclusion notice"), max_length=60, required=False
    )


class RecommendationForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label=_("Recommendation"), widget=forms.Textarea(attrs={"rows": 2}))
    due_on = forms.DateField(label=_("Due date"), widget=DateInput())


class AnswerForm(StyledFormMixin, forms.Form):
    answer = forms.CharField(
        label=_("What the unit has done"), widget=forms.Textarea(attrs={"rows": 3})
    )


class CommentForm(StyledFormMixin, forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class InspectionFilterForm(forms.Form):
    unit = forms.IntegerField(required=False, widget=forms.HiddenInput)
    status = forms.CharField(required=False)
    overdue = forms.BooleanField(required=False)
    start = forms.DateField(required=False, input_formats=["%Y-%m-%d", "%d/%m/%Y"])
    end = forms.DateField(required=False, input_formats=["%Y-%m-%d", "%d/%m/%Y"])
