from django import forms
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm
from django.utils.translation import gettext_lazy as _

from chuyende.core.forms import StyledFormMixin


def _code_field(*, recovery: bool):
    attrs = {"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
    if recovery:
        help_text = _(
            "The 6 digits your authenticator app shows now, or one of your recovery codes "
            "(xxxx-xxxx-xxxx)."
        )
    else:
        attrs.update({"inputmode": "numeric", "pattern": "[0-9 ]*"})
        help_text = _("The 6 digits your authenticator app shows now.")
    return forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=help_text,
        widget=forms.TextInput(attrs=attrs),
        error_messages={"required": _("Type the code.")},
    )


class LoginCodeForm(StyledFormMixin, forms.Form):
    code = _code_field(recovery=True)


class AppCodeForm(StyledFormMixin, forms.Form):
    code = _code_field(recovery=False)


class DisableForm(StyledFormMixin, forms.Form):
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Type your password.")},
    )
    code = _code_field(recovery=True)


class PasswordChangeForm(StyledFormMixin, DjangoPasswordChangeForm):
    def clean(self):
        """The new password must differ from the current one (a temporary password given by a
        manager is not kept by typing it again)."""
        cleaned = super().clean()
        old, new = cleaned.get("old_password"), cleaned.get("new_password1")
        if old and new and old == new:
            self.add_error("new_password1", _("Choose a password different from the current one."))
        return cleaned
