"""URLs of `notifications` for the scoping walk in chuyende/core/tests/test_url_scoping.py."""

from chuyende.notifications.models import Notification
from chuyende.reports.tests.url_samples import foreign_report


def foreign_notification(w):
    """A reminder to mallory about B1's report (B's subtree)."""
    if not hasattr(w, "foreign_notification"):
        w.foreign_notification = Notification.objects.create(
            user=w.mallory,
            unit=w.b1,
            kind="reminder",
            title="Báo cáo của Công đoàn Công ty Cà phê Ea Kar sắp đến hạn",
            link="/reports/",
        )
    return w.foreign_notification


def _remind(w):
    report = foreign_report(w)
    return {"pk": report.form_id, "period": report.period.code}


OBJECT_URLS = {
    "notifications:notification_read": lambda w: {"pk": foreign_notification(w).pk},
    "notifications:remind_overdue": _remind,
}
LIST_URLS = {
    "notifications:notification_list": "",
    "notifications:notification_read_all": "",
}
