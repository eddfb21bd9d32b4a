"""Pages of the API: the signed-in user's personal access tokens (create, list, revoke) and the
browsable documentation (Swagger UI served from static files, no CDN, no inline script)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from chuyende.core.forms import apply_errors

from . import selectors, services
from .forms import TokenForm


@never_cache
@login_required
def token_list(request):
    form = TokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = services.token_create(
                owner=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            created = {"token": token, "raw": raw}
            form = TokenForm()
    context = {
        "form": form,
        "created": created,
        "tokens": selectors.tokens_of(user=request.user),
    }
    return render(request, "api/token_list.html", context)


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(selectors.tokens_of(user=request.user), pk=pk)
    services.token_revoke(token=token, acting_user=request.user)
    messages.success(request, _("The token was revoked: it no longer opens the API."))
    return redirect("api:token_list")


@login_required
def docs(request):
    return render(request, "api/docs.html")
