# The `reporting` fixture (test indicators, a form and 2024S1) for every reports test module.
from chuyende.reports.tests.test_views import reporting  # noqa: F401
