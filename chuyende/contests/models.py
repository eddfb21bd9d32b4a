"""Online knowledge contests: a contest of a unit, its rounds, its question bank, the people who
take part and their attempts, and per-unit tallies kept up to date on every submit.

Built for the rush: starting an attempt reads the round's bank from the cache and writes one row;
a submit is one conditional UPDATE of the attempt plus one F() update of the grassroots union's
tally row. Leaderboards read the tallies (small: one row per unit that has entries), never the
attempts.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chuyende.core.scoping import ScopedQuerySet
from chuyende.org.models import phone_validator


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("One correct answer")
    MULTIPLE = "multiple", _("Several correct answers")
    TRUE_FALSE = "true_false", _("True or false")


class AttemptStatus(models.TextChoices):
    LIVE = "live", pgettext_lazy("contest attempt status", "In progress")
    SUBMITTED = "submitted", _("Submitted")


def new_token() -> str:
    return secrets.token_urlsafe(18)


class Contest(models.Model):
    """A knowledge contest (cuộc thi tìm hiểu) held by a unit, usually for a plan."""

    scope_path = "unit__path"

    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("organising unit"),
        on_delete=models.PROTECT,
        related_name="contests",
    )
    plan = models.ForeignKey(
        "plans.Plan",
        verbose_name=_("plan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contests",
    )
    title = models.CharField(_("title"), max_length=255)
    rules = models.TextField(_("rules"), blank=True)
    members_eligible = models.BooleanField(_("members of the units may take part"), default=True)
    workers_eligible = models.BooleanField(
        _("any worker may register (name, phone, unit)"), default=True
    )
    published = models.BooleanField(_("published"), default=False)
    # Bumped whenever the bank changes: the cached bank of each round follows it.
    bank_version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("contest")
        verbose_name_plural = _("contests")

    def __str__(self):
        return self.title


class Round(models.Model):
    """One round (đợt, tuần) of a contest, open between two times."""

    scope_path = "contest__unit__path"

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("round number"))
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    attempts_allowed = models.PositiveSmallIntegerField(_("attempts allowed"), default=1)
    questions_per_attempt = models.PositiveSmallIntegerField(_("questions per attempt"), default=20)
    time_limit_minutes = models.PositiveSmallIntegerField(_("time limit (minutes)"), default=20)
    # {"category": number of questions}; empty: drawn from the whole bank.
    quotas = models.JSONField(_("questions per category"), default=dict, blank=True)
    tie_break = models.CharField(
        _("tie-break question"),
        max_length=500,
        default="Dự đoán có bao nhiêu lượt người dự thi trong đợt thi này?",
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["contest", "number"]
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        constraints = [
            models.UniqueConstraint(
                fields=["contest", "number"],
                name="contests_round_number",
                violation_error_message=_("This contest already has a round with this number."),
            ),
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="contests_round_closes_after_opening",
                violation_error_message=_("A round must close after it opens."),
            ),
        ]

    def __str__(self):
        return f"{self.contest} — {self.number}"

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at


class Question(models.Model):
    """A question of a contest's bank; `correct` holds indices into `options`."""

    scope_path = "contest__unit__path"

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(
        _("kind"), max_length=12, choices=QuestionKind.choices, default=QuestionKind.SINGLE
    )
    text = models.TextField(_("question"))
    options = models.JSONField(_("options"), default=list)
    correct = models.JSONField(_("correct answers"), default=list)
    category = models.CharField(_("category"), max_length=100, blank=True)
    difficulty = models.PositiveSmallIntegerField(_("difficulty"), default=1)
    active = models.BooleanField(_("in use"), default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["contest", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        indexes = [models.Index(fields=["contest", "category"], name="contests_question_category")]

    def __str__(self):
        return self.text[:80]


class Participant(models.Model):
    """Someone taking part: a member as themselves, or a worker who registered."""

    scope_path = "contest__unit__path"

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="participants")
    member = models.ForeignKey(
        "org.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    full_name = models.CharField(_("full name"), max_length=120)
    phone = models.CharField(_("phone"), max_length=20, validators=[phone_validator])
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["contest", "member"],
                condition=Q(member__isnull=False),
                name="contests_participant_member_once",
                violation_error_message=_("This member already takes part in the contest."),
            ),
            models.UniqueConstraint(
                fields=["contest", "phone"],
                name="contests_participant_phone_once",
                violation_error_message=_(
                    "Someone already registered for this contest with this phone number."
                ),
            ),
        ]
        indexes = [models.Index(fields=["contest", "created_at"], name="contests_part_created")]

    def __str__(self):
        return self.full_name


class Attempt(models.Model):
    """One attempt of a participant at a round: its own questions and option order."""

    scope_path = "round__contest__unit__path"

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="attempts")
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveSmallIntegerField(default=1)
    # The attempt's secret: the public pages of an attempt are reached by it.
    token = models.CharField(max_length=32, unique=True, default=new_token)
    unit_path = models.CharField(max_length=255)  # the participant's unit, for the tallies
    started_at = models.DateTimeField(default=timezone.now)
    deadline = models.DateTimeField()
    # [[question id, [option order]], …]
    questions = models.JSONField(default=list)
    # {"question id": [option index, …]}
    answers = models.JSONField(default=dict, blank=True)
    prediction = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=AttemptStatus.choices, default="live")
    submitted_at = models.DateTimeField(null=True, blank=True)
    submit_key = models.CharField(max_length=64, blank=True)
    score = models.PositiveSmallIntegerField(default=0)
    seconds = models.PositiveIntegerField(default=0)  # time taken
    late = models.BooleanField(default=False)
    best = models.BooleanField(default=False)  # the participant's best attempt of the round
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "round", "number"], name="contests_attempt_number"
            ),
            models.UniqueConstraint(
                fields=["participant", "round"],
                condition=Q(status="live"),
                name="contests_attempt_one_live",
            ),
        ]
        indexes = [
            models.Index(
                fields=["round", "best", "-score", "seconds"], name="contests_attempt_rank"
            ),
            models.Index(fields=["round", "started_at"], name="contests_attempt_started"),
        ]

    def __str__(self):
        return f"{self.participant_id} — {self.round_id} — {self.number}"

    @property
    def total(self) -> int:
        return len(self.questions)


class UnitTally(models.Model):
    """Entries (submitted attempts) and entrants (people) of one round in one unit — the unit a
    participant chose, not its ancestors: roll-ups are prefix sums over `path` at read time.

    A unit's counter is split over SHARDS rows (by attempt id), so that a whole grassroots union
    submitting at the same minute does not queue on one row lock; readers always sum."""

    SHARDS = 8

    scope_path = "path"

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="tallies")
    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    path = models.CharField(max_length=255)
    shard = models.PositiveSmallIntegerField(default=0)
    entries = models.PositiveIntegerField(default=0)
    entrants = models.PositiveIntegerField(default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit tally")
        verbose_name_plural = _("unit tallies")
        constraints = [
            models.UniqueConstraint(fields=["round", "path", "shard"], name="contests_tally_once"),
        ]

    def __str__(self):
        return f"{self.round_id} {self.path}: {self.entries}"
