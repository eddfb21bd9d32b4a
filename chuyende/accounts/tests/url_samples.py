"""URLs of `accounts` for the scoping walk in chuyende/core/tests/test_url_scoping.py: every
page is about the signed-in user's own account; a session of mallory's is the foreign object.
The officers pages of a unit (officers.py) are about B's officers: an editor of B1."""

from chuyende.accounts.models import UserSession
from chuyende.org.models import RoleAssignment


def foreign_user_session(w):
    """A signed-in session of mallory (B's manager)."""
    if not hasattr(w, "foreign_user_session"):
        w.foreign_user_session = UserSession.objects.create(
            user=w.mallory,
            session_key="mallorysessionkey0000000000000001",
            user_agent="Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/126.0 Safari/537.36",
            ip_address="203.0.113.9",
        )
    return w.foreign_user_session


def foreign_officer_role(w):
    """An editor of B1 (in mallory's subtree, not bob's)."""
    if not hasattr(w, "foreign_officer_role"):
        from django.contrib.auth import get_user_model

        ngoc = get_user_model().objects.create_user("ngoc", password="pw")
        w.foreign_officer_role = RoleAssignment.objects.create(user=ngoc, unit=w.b1, role="editor")
    return w.foreign_officer_role


def _foreign_officer(w):
    return {"pk": w.b.pk, "user_pk": foreign_officer_role(w).user_id}


OBJECT_URLS = {
    "accounts:session_revoke": lambda w: {"pk": foreign_user_session(w).pk},
    "accounts:officer_list": lambda w: {"pk": w.b.pk},
    "accounts:officer_add": lambda w: {"pk": w.b.pk},
    "accounts:officer_detail": _foreign_officer,
    "accounts:officer_password_reset": _foreign_officer,
    "accounts:officer_active": _foreign_officer,
    "accounts:officer_role_remove": lambda w: {"pk": w.b.pk, "role_pk": foreign_officer_role(w).pk},
}
LIST_URLS = {
    "accounts:security": "",
    "accounts:session_list": "",
    "accounts:session_revoke_others": "",
    "accounts:totp_enrol": "",
    "accounts:totp_disable": "",
    "accounts:recovery_codes_new": "",
    "accounts:password_change": "",
}
# The second step of the login: before anyone is signed in (it needs the password step's state).
PUBLIC = {"accounts:login_code"}
