"""Forms of the officers pages (chuyende.accounts.officers): they check the shape of what is
typed; who the account is and whether the role may be given is the services' business."""

from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from chuyende.core.forms import StyledFormMixin
from chuyende.org.choices import Role


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.code})"


class _GrantForm(StyledFormMixin, forms.Form):
    unit = UnitChoiceField(
        label=_("At the unit"),
        queryset=None,
        empty_label=None,
        help_text=_(
            "This unit or a unit right below it. For a unit further down, open that unit's "
            "officers page."
        ),
        error_messages={"invalid_choice": _("Choose a unit from the list.")},
    )
    role = forms.ChoiceField(
        label=_("Role"),
        error_messages={
            "required": _("Choose a role."),
            "invalid_choice": _("You cannot give this role."),
        },
    )

    def __init__(self, *args, units, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["role"].choices = roles
        self.fields["role"].initial = Role.EDITOR


class ExistingOfficerForm(_GrantForm):
    account = forms.CharField(
        label=_("Username or e-mail of the account"),
        max_length=254,
        help_text=_("Exactly as the account has it: accounts are not listed."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
        error_messages={"required": _("Type the username or the e-mail of the account.")},
    )
    field_order = ["account", "unit", "role"]


class NewOfficerForm(_GrantForm):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        validators=[UnicodeUsernameValidator(message=_("Use only letters, digits and @ . + - _"))],
        help_text=_("What the officer types to sign in: letters, digits and @ . + - _ only."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
        error_messages={"required": _("Type a username.")},
    )
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": _("Type the officer's full name.")},
    )
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        error_messages={"invalid": _("This e-mail address is not valid.")},
    )
    field_order = ["username", "full_name", "email", "unit", "role"]


class OfficerFilterForm(StyledFormMixin, forms.Form):
    WHERE = [("subtree", _("This unit and the units below")), ("unit", _("This unit only"))]

    where = forms.ChoiceField(label=_("Where"), choices=WHERE, required=False)
    role = forms.ChoiceField(label=_("Role"), required=False)
    q = forms.CharField(
        label=_("Username, name or e-mail"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", _("All roles")), *roles]


class ActiveForm(forms.Form):
    active = forms.TypedChoiceField(
        choices=[("1", "1"), ("0", "0")], coerce=lambda value: value == "1"
    )
