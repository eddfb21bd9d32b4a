"""Receivers of Django's login signal: they only call the privacy modules."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from . import menu


@receiver(user_logged_in, dispatch_uid="privacy.menu_remembered")
def remember_menu(sender, request, user, **kwargs):
    menu.remember_at_login(request=request, user=user)
