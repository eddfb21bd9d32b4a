"""URLs of `accounts` for the scoping walk in chuyende/core/tests/test_url_scoping.py: every
page is about the signed-in user's own account; a session of mallory's is the foreign object."""

from chuyende.accounts.models import UserSession


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


OBJECT_URLS = {
    "accounts:session_revoke": lambda w: {"pk": foreign_user_session(w).pk},
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
