"""Shared steps of the browser journeys."""

from playwright.sync_api import expect


def login(page, base: str, username: str, password: str = "demo") -> None:
    """Log in through the form as a person would (fresh cookies, Enter to submit)."""
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("#id_password").press("Enter")
    expect(page).to_have_url(f"{base}/")
