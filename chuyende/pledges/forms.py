from django import forms
from django.utils.translation import gettext_lazy as _

from chuyende.core.forms import StyledFormMixin
from chuyende.core.uploads import SPREADSHEETS, UploadField

from .choices import ItemResult, PledgeStatus
from .models import ITEM_MAX_LENGTH, MAX_ITEMS


def _lines_widget(rows=3):
    return forms.Textarea(attrs={"rows": rows, "data-lines": "1"})


class PledgeForm(StyledFormMixin, forms.Form):
    """The pledge as the member writes it: one textarea a section, one commitment a line."""

    position = forms.CharField(label=_("Job or position"), max_length=160, required=False)
    union_group = forms.CharField(label=_("Union group"), max_length=160, required=False)

    def __init__(self, *args, template, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.sections = sections
        for section in sections:
            field = forms.CharField(
                label=section.title,
                required=False,
                max_length=MAX_ITEMS * (ITEM_MAX_LENGTH + 2),
                widget=_lines_widget(4),
                help_text=section.guidance,
            )
            field.min_items = section.min_items
            self.fields[f"section_{section.code}"] = field
        self.fields["actions"] = forms.CharField(
            label=_("Concrete actions (one a line)"),
            required=False,
            widget=_lines_widget(5),
            help_text=_("Between %(min)s and %(max)s things you will do this year.")
            % {"min": template.min_actions, "max": template.max_actions},
        )
        self.fields["target_rating"] = forms.ChoiceField(
            label=_("Rating you aim for"),
            required=False,
            choices=[("", "—"), *template.level_choices],
        )
        # StyledFormMixin styled the fields declared on the class; these are added here.
        for name in ("actions", "target_rating", *[f"section_{s.code}" for s in sections]):
            widget = self.fields[name].widget
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = css

    def section_fields(self):
        return [(s, self[f"section_{s.code}"]) for s in self.sections]

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "commitments": {s.code: data.get(f"section_{s.code}", "") for s in self.sections},
            "actions": data.get("actions", ""),
            "target_rating": data.get("target_rating", ""),
            "position": data.get("position", ""),
            "union_group": data.get("union_group", ""),
        }

    @staticmethod
    def initial_from(pledge, member) -> dict:
        if pledge is None:
            return {"position": member.job_title}
        initial = {
            f"section_{code}": "\n".join(items) for code, items in pledge.commitments.items()
        }
        initial.update(
            actions="\n".join(pledge.actions),
            target_rating=pledge.target_rating,
            position=pledge.position,
            union_group=pledge.union_group,
        )
        return initial


class ReturnForm(StyledFormMixin, forms.Form):
    comment = forms.CharField(
        label=_("What should the member change?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ListFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Name"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *PledgeStatus.choices]
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    unit = forms.IntegerField(required=False, widget=forms.HiddenInput)


class FiguresForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    threshold = forms.IntegerField(
        label=_("Threshold (%)"), required=False, min_value=1, max_value=100, initial=70
    )
    unit = forms.IntegerField(required=False, widget=forms.HiddenInput)


class RateForm(StyledFormMixin, forms.Form):
    final_rating = forms.ChoiceField(label=_("Final rating"))
    union_title = forms.BooleanField(label=_("Outstanding union member"), required=False)

    def __init__(self, *args, template, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["final_rating"].choices = [("", "—"), *template.level_choices]


class SelfEvaluationForm(StyledFormMixin, forms.Form):
    """One result and note a commitment or action, the rating proposed, a note."""

    self_note = forms.CharField(
        label=_("Your overall self-assessment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, pledge, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = []
        for section in sections:
            for index, text in enumerate(pledge.commitments.get(section.code, [])):
                self._add(f"{section.code}:{index}", text, section.title)
        for index, text in enumerate(pledge.actions):
            self._add(f"action:{index}", text, _("Concrete actions"))
        self.fields["proposed_rating"] = forms.ChoiceField(
            label=_("Rating you propose"), choices=[("", "—"), *pledge.template.level_choices]
        )
        self.fields["proposed_rating"].widget.attrs["class"] = "form-select"

    def _add(self, key, text, group):
        name = f"result_{key}"
        self.fields[name] = forms.ChoiceField(
            label=text, choices=ItemResult.choices, widget=forms.RadioSelect
        )
        self.fields[f"note_{key}"] = forms.CharField(
            label=_("Note"), required=False, max_length=500
        )
        self.fields[f"note_{key}"].widget.attrs["class"] = "form-control form-control-sm"
        self.fields[name].widget.attrs["class"] = "form-check-input"
        self.items.append((key, text, group, name, f"note_{key}"))

    def rows(self):
        return [(key, text, group, self[r], self[n]) for key, text, group, r, n in self.items]

    def results(self) -> dict:
        data = self.cleaned_data
        return {
            key: {"result": data.get(r, ""), "note": data.get(n, "")}
            for key, _, _, r, n in self.items
        }


class SectionForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Title of the section"), max_length=255)
    guidance = forms.CharField(
        label=_("Guidance"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    min_items = forms.IntegerField(
        label=_("Fewest commitments"), min_value=0, max_value=MAX_ITEMS, initial=1
    )


class ImportForm(StyledFormMixin, forms.Form):
    file = UploadField(
        label=_("Spreadsheet (.xlsx, .xls, .ods or .csv)"),
        kinds=SPREADSHEETS,
        widget=forms.FileInput(),
    )


class TemplateForm(StyledFormMixin, forms.Form):
    """A template's heading, rule on concrete actions and rating scale; on creation also the
    publishing unit, the plan and the year."""

    unit = forms.ModelChoiceField(label=_("Publishing unit"), queryset=None, empty_label=None)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    plan = forms.ModelChoiceField(label=_("Plan"), queryset=None, required=False)
    title = forms.CharField(label=_("Title"), max_length=255)
    topic = forms.CharField(
        label=_("Topic of the year"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    introduction = forms.CharField(
        label=_("Introduction and guidance for members"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    min_actions = forms.IntegerField(
        label=_("Fewest concrete actions"), min_value=1, max_value=10, initial=3
    )
    max_actions = forms.IntegerField(
        label=_("Most concrete actions"), min_value=1, max_value=10, initial=5
    )
    rating_levels = forms.CharField(
        label=_("Rating scale (one level a line, best first: code | label)"),
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, units=None, plans=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is None:
            for name in ("unit", "year", "plan"):
                del self.fields[name]
        else:
            self.fields["unit"].queryset = units
            self.fields["plan"].queryset = plans
            self.fields["plan"].label_from_instance = lambda plan: (
                f"{plan.number} — {plan.title}"[:120] if plan.number else plan.title[:120]
            )
            self.fields["unit"].label_from_instance = lambda unit: unit.name

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            key: data.get(key)
            for key in (
                "title",
                "topic",
                "introduction",
                "min_actions",
                "max_actions",
                "rating_levels",
            )
        }


class TemplateSectionForm(StyledFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("Lowercase letters, digits, - or _; commitments are kept under this code."),
    )
    title = forms.CharField(label=_("Title of the section"), max_length=255)
    guidance = forms.CharField(
        label=_("Guidance"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    min_items = forms.IntegerField(
        label=_("Fewest commitments"), min_value=0, max_value=MAX_ITEMS, initial=1
    )


class CopyForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=_("For the year"), min_value=2000, max_value=2100)
