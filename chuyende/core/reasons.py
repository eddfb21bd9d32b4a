"""The reason asked before personal data leaves the screen in a file (Decree 13/2023/NĐ-CP).

An export holding personal fields — a name with any of the date of birth, citizen ID, phone,
ethnicity, religion or address — is made only after the user writes why, in a small form of the
same design as the "show personal data" reveal of a member's page (chuyende.org). The reason
goes into the export's audit row with who, when, from which address and what; without one the
export is refused and no file is made. Exports without personal fields stay one click.

Where: the member list's full export (chuyende.transfer.exports), the participants of a study
session with their ethnicity (chuyende.study). docs/privacy.md lists every export and whether
it holds personal fields.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .forms import StyledFormMixin

REASON_MIN = 5  # characters, as for a reveal (chuyende.org.services.REVEAL_REASON_MIN)
REASON_MAX = 500
MISSING = _(
    "Write why you need this file with personal data (at least %(min)s characters): it is "
    "recorded in the audit log. No file was made."
)


def clean_reason(text) -> str:
    """The reason with its spaces tidied; ValidationError (on "reason") when it is too short."""
    reason = " ".join(str(text or "").split())[:REASON_MAX]
    if len(reason) < REASON_MIN:
        raise ValidationError({"reason": MISSING % {"min": REASON_MIN}}, code="reason")
    return reason


class ExportReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why do you need this file?"),
        max_length=REASON_MAX,
        help_text=_("Recorded in the audit log with your name, the time and what was exported."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = MISSING % {"min": REASON_MIN}

    def clean_reason(self):
        try:
            return clean_reason(self.cleaned_data.get("reason"))
        except ValidationError as error:
            raise ValidationError(error.message_dict["reason"]) from error
