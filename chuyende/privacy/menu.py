"""The personal-data entries of the site menu (privacy/_nav.html): each user sees those they may
open, by the rules of chuyende/privacy/views.py. The privacy notice is open to everyone; "my
personal data" is for an account linked to a member record; the members' consent list needs the
view action somewhere (`_officer(request)`), the correction queue the change action
(`_officer(request, "change")`).

The menu adds no query to a page. The answer is kept in the session, written at login (the
login reads the user's roles once more), and brought up to date from the user's scope whenever
the page has loaded it anyway (one session write after a change of roles). A session opened
before this menu existed reads the roles once.
"""

from dataclasses import asdict, dataclass

from chuyende.core.scoping import Scope, forget_scope, user_scope

SESSION_KEY = "privacy_menu"


@dataclass(frozen=True)
class PrivacyMenu:
    own_data: bool = False
    consents: bool = False
    corrections: bool = False
    notice: bool = True

    @property
    def officer(self) -> bool:
        return self.consents or self.corrections


def menu_from_scope(scope: Scope) -> PrivacyMenu:
    return PrivacyMenu(
        own_data=scope.own_member_path is not None,
        consents=scope.superuser or bool(scope.paths_for("view")),
        corrections=scope.superuser or bool(scope.paths_for("change")),
    )


def _flags(menu: PrivacyMenu) -> dict:
    return {k: v for k, v in asdict(menu).items() if k != "notice"}


def remember_at_login(*, request, user) -> None:
    """Keep the user's menu in the new session (called on `user_logged_in`)."""
    session = getattr(request, "session", None)
    if session is None:
        return
    session[SESSION_KEY] = _flags(menu_from_scope(user_scope(user)))
    forget_scope(user)  # roles may change after login; the next use reads them again


def menu_for(request) -> PrivacyMenu | None:
    """The signed-in user's menu; None for a visitor."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    session = request.session
    stored = session.get(SESSION_KEY)
    if not isinstance(stored, dict) or stored.keys() != _flags(PrivacyMenu()).keys():
        stored = None
    scope = getattr(user, "_chuyende_scope", None)  # loaded by the page, if it was (user_scope)
    if scope is None and stored is None:
        scope = user_scope(user)  # a session from before the menu: once
    if scope is None:
        return PrivacyMenu(**stored)
    menu = menu_from_scope(scope)
    if stored != _flags(menu):
        session[SESSION_KEY] = _flags(menu)
    return menu
