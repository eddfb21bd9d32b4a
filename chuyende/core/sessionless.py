"""Views that must not read the session: the public contest's attempt, autosave and submit,
hit by thousands of contestants at once (one UPDATE each). Middlewares that look at the signed-in
user (two-factor gate, privacy consent gate) pass them by: no session read, no user query."""


def sessionless(view):
    view.sessionless = True
    return view


def is_sessionless(view) -> bool:
    return getattr(view, "sessionless", False)
