import datetime

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chuyende.core.scoping import ScopedQuerySet
from chuyende.core.uploads import UploadTo

from .choices import (
    OPENS_BEFORE_CHOICES,
    AttendanceSource,
    CheckinState,
    ExpectedMode,
    SessionDelivery,
    SessionKind,
)

# Check-in codes: no 0/O, 1/I/L, so a code read aloud or copied from a screen is typed right.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6


class StudySession(models.Model):
    """A study conference or a periodic meeting on the topic (hội nghị học tập, quán triệt;
    sinh hoạt định kỳ) held by a unit, usually for a task of a plan."""

    scope_path = "unit__path"

    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("organising unit"),
        on_delete=models.PROTECT,
        related_name="study_sessions",
    )
    task = models.ForeignKey(
        "plans.Task",
        verbose_name=_("plan task"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="study_sessions",
    )
    title = models.CharField(_("title"), max_length=255)
    kind = models.CharField(
        _("kind"), max_length=12, choices=SessionKind.choices, default=SessionKind.CONFERENCE
    )
    delivery = models.CharField(
        _("form"), max_length=12, choices=SessionDelivery.choices, default=SessionDelivery.IN_PERSON
    )
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=255, blank=True)
    audiences = models.JSONField(_("target audiences"), default=list, blank=True)
    expected_mode = models.CharField(
        _("expected participants"),
        max_length=10,
        choices=ExpectedMode.choices,
        default=ExpectedMode.NUMBER,
    )
    expected_number = models.PositiveIntegerField(
        _("number of people expected"), null=True, blank=True
    )
    expected_units = models.ManyToManyField(
        "org.Unit", verbose_name=_("units whose members are expected"), blank=True, related_name="+"
    )
    # The figure the rate is computed against: the number given, or the active members of the
    # chosen units, counted when the session is saved.
    expected_count = models.PositiveIntegerField(_("expected"), default=0, editable=False)
    speakers = models.TextField(_("speakers"), blank=True)
    materials = models.TextField(_("materials used"), blank=True)
    minutes = models.FileField(_("minutes"), upload_to=UploadTo("study/minutes"), blank=True)
    code = models.CharField(_("check-in code"), max_length=CODE_LENGTH, unique=True, editable=False)
    checkin_opens_before = models.PositiveSmallIntegerField(
        _("check-in opens"), choices=OPENS_BEFORE_CHOICES, default=0
    )
    headcount_total = models.PositiveIntegerField(_("people not on any list"), default=0)
    headcount_women = models.PositiveIntegerField(_("of whom women"), default=0)
    headcount_minority = models.PositiveIntegerField(_("of whom ethnic minority"), default=0)
    headcount_members = models.PositiveIntegerField(_("of whom union members"), default=0)
    # The members listed at the session (check-in, register), and the women and the ethnic
    # minority among them as their records stood when they were listed: kept by every write to
    # the session's attendance (chuyende.study.counts), read by the roll-ups and the reports.
    listed_count = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    listed_women = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    listed_minority = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("study session")
        verbose_name_plural = _("study sessions")
        indexes = [
            models.Index(fields=["unit", "date"], name="study_session_unit_date"),
            models.Index(fields=["task", "date"], name="study_session_task_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(headcount_women__lte=F("headcount_total"))
                & Q(headcount_minority__lte=F("headcount_total"))
                & Q(headcount_members__lte=F("headcount_total")),
                name="study_session_headcount_parts",
                violation_error_message=_(
                    "Women, ethnic minority and union members cannot exceed the head count."
                ),
            ),
        ]

    def __str__(self):
        return self.title

    # Check-in window: from the start of the session day (less the chosen lead time) to the end
    # of the day after it, in local time.
    @property
    def checkin_opens_at(self) -> datetime.datetime:
        start = timezone.make_aware(datetime.datetime.combine(self.date, datetime.time.min))
        return start - datetime.timedelta(hours=self.checkin_opens_before)

    @property
    def checkin_closes_at(self) -> datetime.datetime:
        day_after_next = self.date + datetime.timedelta(days=2)
        return timezone.make_aware(datetime.datetime.combine(day_after_next, datetime.time.min))

    def checkin_state(self, now=None) -> str:
        now = now or timezone.now()
        if now < self.checkin_opens_at:
            return CheckinState.NOT_OPEN
        if now >= self.checkin_closes_at:
            return CheckinState.CLOSED
        return CheckinState.OPEN

    @property
    def last_checkin_day(self) -> datetime.date:
        return self.date + datetime.timedelta(days=1)

    @property
    def headcount_non_members(self) -> int:
        return self.headcount_total - self.headcount_members

    @property
    def has_started(self) -> bool:
        """Attendance and head counts can be recorded from the session day on."""
        return self.date <= timezone.localdate()


# The columns of an attendance row its session's counts depend on (chuyende.study.counts).
ATTENDANCE_COUNTED_FIELDS = frozenset(
    {"session", "session_id", "member", "member_id", "woman", "minority"}
)


class AttendanceQuerySet(ScopedQuerySet):
    """Bulk writes keep the sessions' listed counts (chuyende.study.counts): new rows are
    noted from their members, and the sessions written to are recounted in the same
    transaction."""

    def bulk_create(self, objs, *args, **kwargs):
        from . import counts

        objs = list(objs)
        with transaction.atomic(using=self.db, savepoint=False):
            counts.note(objs)
            created = super().bulk_create(objs, *args, **kwargs)
            counts.recount({obj.session_id for obj in objs})
        return created

    def update(self, **kwargs):
        if not set(kwargs) & ATTENDANCE_COUNTED_FIELDS:
            return super().update(**kwargs)
        from . import counts

        with transaction.atomic(using=self.db, savepoint=False):
            rows = dict(self.order_by().values_list("pk", "session_id"))
            result = super().update(**kwargs)
            after = Attendance.objects.filter(pk__in=list(rows)).values_list(
                "session_id", flat=True
            )
            counts.recount(set(rows.values()) | set(after))
        return result

    update.alters_data = True

    def delete(self):
        from . import counts

        with transaction.atomic(using=self.db, savepoint=False):
            sessions = set(self.order_by().values_list("session_id", flat=True))
            result = super().delete()
            counts.recount(sessions)
        return result

    delete.alters_data = True
    delete.queryset_only = True


class Attendance(models.Model):
    """One member present at one session, whichever way it was recorded (never twice)."""

    scope_path = "session__unit__path"

    session = models.ForeignKey(StudySession, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey(
        "org.Member", verbose_name=_("member"), on_delete=models.CASCADE, related_name="+"
    )
    source = models.CharField(_("recorded"), max_length=10, choices=AttendanceSource.choices)
    # Whether the member was a woman, of an ethnic minority, when listed: the session's figures
    # stay what they were if the member's record changes or is anonymised later.
    # None until noted: written through the ORM, the row is noted from its member.
    woman = models.BooleanField(null=True, default=None, editable=False)
    minority = models.BooleanField(null=True, default=None, editable=False)
    checked_in_at = models.DateTimeField(_("time"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "member"],
                name="study_attendance_once",
                violation_error_message=_("This member is already checked in."),
            ),
        ]
        indexes = [models.Index(fields=["member"], name="study_attendance_member")]

    def __str__(self):
        return f"{self.session_id} — {self.member_id}"

    def save(self, *args, **kwargs):
        from . import counts

        with transaction.atomic():
            before = None
            if self.pk is not None:
                before = Attendance.objects.filter(pk=self.pk).values_list("session_id", flat=True)
                before = next(iter(before), None)
            counts.note([self])
            super().save(*args, **kwargs)
            counts.recount({self.session_id, before})

    def delete(self, *args, **kwargs):
        from . import counts

        with transaction.atomic():
            result = super().delete(*args, **kwargs)
            counts.recount([self.session_id])
        return result


class SessionPhoto(models.Model):
    """A photo of a session; served only through a scoped view, never from a public URL."""

    scope_path = "session__unit__path"

    session = models.ForeignKey(StudySession, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("photo"), upload_to=UploadTo("study/photos"))
    content_type = models.CharField(max_length=30)
    caption = models.CharField(_("caption"), max_length=255, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name = _("session photo")
        verbose_name_plural = _("session photos")

    def __str__(self):
        return self.caption or self.image.name.rsplit("/", 1)[-1]
