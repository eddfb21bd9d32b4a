"""Receivers of Django's login signals: they only call services."""

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from . import services


@receiver(user_logged_in, dispatch_uid="accounts.session_started")
def record_session(sender, request, user, **kwargs):
    services.session_started(request=request, user=user)


@receiver(user_logged_out, dispatch_uid="accounts.session_ended")
def forget_session(sender, request, user, **kwargs):
    services.session_ended(request=request)
