from django import forms
from django.utils.translation import gettext_lazy as _

from chuyende.core.forms import StyledFormMixin

from .services import LIFETIMES


class TokenForm(StyledFormMixin, forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What uses this token, e.g. “Membership software sync”."),
    )
    days = forms.TypedChoiceField(
        label=_("Valid for"),
        coerce=int,
        choices=[(d, _("%(days)s days") % {"days": d}) for d in LIFETIMES],
        initial=90,
    )
