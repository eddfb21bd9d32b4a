"""Views of `accounts`: the two-step login, the security page (two-factor sign-in, password),
the list of signed-in sessions. Every page but the login steps is about the signed-in user's
own account only."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from chuyende.core.forms import apply_errors

from . import selectors, services
from .forms import AppCodeForm, DisableForm, LoginCodeForm, PasswordChangeForm
from .models import RecoveryCodeDevice, UserSession
from .qr import qr_svg


class LoginView(auth_views.LoginView):
    """Django's login form (the log-in throttling counts the wrong passwords); a user with an
    authenticator app then types its code on a second page before being signed in."""

    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if selectors.has_totp(user):
            services.pending_start(self.request, user, self.get_success_url())
            return redirect("accounts:login_code")
        return super().form_valid(form)


def admin_login(request):
    """The admin site signs in through the site's login (password, then the code)."""
    if request.user.is_authenticated:
        return redirect("core:home")
    next_url = request.GET.get("next") or reverse("admin:index")
    return auth_views.redirect_to_login(next_url)


def _locked_out(request):
    """The log-in of this username from here is locked (too many wrong passwords or codes):
    the sign-in starts again with the password once the lock ends. The throttling middleware
    answers with its own lock page when it has marked the request."""
    services.pending_clear(request)
    return render(request, "accounts/login_code.html", {"locked": True}, status=429)


def login_code(request):
    """Second step of the login: the code of the authenticator app, or a recovery code."""
    if request.user.is_authenticated:
        return redirect(resolve_url(settings.LOGIN_REDIRECT_URL))
    pending = services.pending_get(request)
    if pending is None:
        services.pending_clear(request)
        messages.info(request, _("Your sign-in has expired: type your password again."))
        return redirect("login")
    form = LoginCodeForm(request.POST or None)
    if not services.login_allowed(request, pending.user):
        return _locked_out(request)
    if request.method == "POST" and form.is_valid():
        check = services.second_step(
            request=request, pending=pending, token=form.cleaned_data["code"]
        )
        if check.device is not None:
            next_url = pending.next_url
            services.complete_login(request=request, pending=pending, device=check.device)
            if isinstance(check.device, RecoveryCodeDevice) and (
                selectors.recovery_codes_left(request.user) <= 2
            ):
                messages.warning(
                    request,
                    _("Few recovery codes are left: make new ones on the Security page."),
                )
            return redirect(next_url)
        if not services.login_allowed(request, pending.user):
            return _locked_out(request)
        form.add_error("code", check.message)
    return render(request, "accounts/login_code.html", {"form": form})


@login_required
def security(request):
    user = request.user
    status = selectors.two_factor_status(user)
    device = selectors.totp_device(user) if status.has_device else None
    context = {
        "device": device,
        "required": status.required,
        "codes_left": selectors.recovery_codes_left(user) if device else 0,
        "session_count": selectors.sessions_for(user).count(),
    }
    return render(request, "accounts/security.html", context)


@login_required
def totp_enrol(request):
    """Set up an authenticator app: QR code and secret, then a code from the app to confirm;
    the answer shows the recovery codes once."""
    user = request.user
    if selectors.has_totp(user):
        messages.info(request, _("Two-factor sign-in is already on."))
        return redirect("accounts:security")
    key = request.session.get(services.ENROL_KEY)
    if not key:
        key = request.session[services.ENROL_KEY] = services.new_totp_key()
    form = AppCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.totp_enable(user=user, key=key, token=form.cleaned_data["code"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            request.session.pop(services.ENROL_KEY, None)
            services.mark_verified(request, selectors.totp_device(user))
            messages.success(request, _("Two-factor sign-in is on."))
            return render(request, "accounts/recovery_codes.html", {"codes": codes})
    url, secret = services.totp_setup(user, key)
    context = {
        "form": form,
        "qr": qr_svg(url, title=_("QR code for your authenticator app")),
        "secret": secret,
        "required": selectors.two_factor_required(user),
    }
    return render(request, "accounts/totp_enrol.html", context)


@login_required
def totp_disable(request):
    if not selectors.has_totp(request.user):
        return render(request, "accounts/totp_disable.html", {"form": None})
    form = DisableForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.totp_disable(
                request=request,
                user=request.user,
                password=form.cleaned_data["password"],
                token=form.cleaned_data["code"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Two-factor sign-in is off."))
            return redirect("accounts:security")
    context = {"form": form, "required": selectors.two_factor_required(request.user)}
    return render(request, "accounts/totp_disable.html", context)


@login_required
def recovery_codes_new(request):
    if not selectors.has_totp(request.user):
        return render(request, "accounts/recovery_codes_new.html", {"form": None})
    form = AppCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.recovery_codes_renew(
                user=request.user, token=form.cleaned_data["code"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("New recovery codes made: the old ones no longer work."))
            return render(request, "accounts/recovery_codes.html", {"codes": codes})
    return render(request, "accounts/recovery_codes_new.html", {"form": form})


@login_required
def session_list(request):
    rows = list(selectors.sessions_for(request.user))
    current = request.session.session_key
    return render(
        request,
        "accounts/session_list.html",
        {"rows": rows, "current": current, "others": sum(r.session_key != current for r in rows)},
    )


@login_required
@require_POST
def session_revoke(request, pk):
    row = get_object_or_404(UserSession.objects.for_user(request.user, "change"), pk=pk)
    try:
        services.session_revoke(
            actor=request.user, user_session=row, current_key=request.session.session_key
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The session on %(device)s is ended.") % {"device": row.device})
    return redirect("accounts:session_list")


@login_required
@require_POST
def session_revoke_others(request):
    count = services.sessions_revoke_others(
        actor=request.user, current_key=request.session.session_key
    )
    messages.success(
        request,
        ngettext("%(count)d other session ended.", "%(count)d other sessions ended.", count)
        % {"count": count},
    )
    return redirect("accounts:session_list")


@login_required
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        ended = services.password_change(request=request, form=form)
        text = _("Your password is changed.")
        if ended:
            text += " " + ngettext(
                "%(count)d other session was signed out.",
                "%(count)d other sessions were signed out.",
                ended,
            ) % {"count": ended}
        messages.success(request, text)
        return redirect("accounts:security")
    return render(request, "accounts/password_change.html", {"form": form})
