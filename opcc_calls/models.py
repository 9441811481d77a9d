from datetime import datetime, timedelta
from typing import cast

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.cache import cache, caches
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from opcc_calls.text import TypedText


class User(AbstractUser):
    """A member of OPCC staff who signs in. Roles are groups; code checks permissions."""

    # Moved on by every change to the person's roles or permissions: permissions are cached
    # under it (opcc_calls.permissions.CachedPermissionsBackend).
    permissions_version = models.PositiveIntegerField(default=0, editable=False)
    # Their phone extension: the phone system's events for it reach their screen (screen pop).
    extension = models.CharField(
        max_length=20,
        blank=True,
        help_text=_("The phone extension this person answers, as the phone system names it."),
    )

    # The interface's language they chose ("" until they choose: the office's).
    language = models.CharField(
        _("Language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        default="",
        db_default="",
    )

    history = HistoricalRecords(excluded_fields=["password", "last_login", "permissions_version"])

    class Meta:
        verbose_name = "user"
        verbose_name_plural = "users"
        swappable = "AUTH_USER_MODEL"
        ordering = ["first_name", "last_name", "username"]
        permissions = [("reset_second_factor", "Can reset someone's lost second factor")]
        constraints = [
            models.UniqueConstraint(
                fields=["extension"],
                condition=~models.Q(extension=""),
                name="one_person_per_extension",
                violation_error_message=_("Someone else has this extension."),
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class SecurityPolicy(models.Model):
    """The office's sign-in rules: one row, changed by managers, every change in history."""

    require_second_factor = models.BooleanField(
        _("Everyone must use a second factor"),
        default=True,
        help_text=_(
            "An authenticator app, or a security key or passkey, as well as the password. "
            "People signing in through the organisation's own sign-in (single sign-on) use the "
            "second factor it asks for."
        ),
    )

    history = HistoricalRecords()

    #: Read on every request, so kept in the cache; a change reaches every server within this.
    CACHE_SECONDS = 60
    CACHE_KEY = "opcc:security-policy"

    class Meta:
        verbose_name = verbose_name_plural = "sign-in policy"

    def __str__(self) -> str:
        return "Sign-in policy"

    def save(self, *args, **kwargs) -> None:
        self.pk = 1  # one row
        super().save(*args, **kwargs)
        cache.delete(self.CACHE_KEY)

    @classmethod
    def current(cls) -> "SecurityPolicy":
        policy = cache.get_or_set(
            cls.CACHE_KEY, lambda: cls.objects.get_or_create(pk=1)[0], cls.CACHE_SECONDS
        )
        return cast("SecurityPolicy", policy)


class Procedure(TypedText, models.Model):
    """A published version of the office's procedure for frequent and regular callers. Each
    manager makes sure all staff know it and why (SOP 6.1): everyone acknowledges each version."""

    version = models.CharField(_("Version number"), max_length=20, unique=True)
    text = models.TextField(_("The procedure"), max_length=200_000)
    changes = models.TextField(_("What changed"), max_length=5000)
    review_date = models.DateField(_("Review date"))
    published_at = models.DateTimeField(default=timezone.now, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="procedures_published",
    )

    history = HistoricalRecords()

    #: The current version is read on every page (the reminder to acknowledge it), so kept in
    #: the cache; a new version reaches every server within this.
    CACHE_SECONDS = 60
    CACHE_KEY = "opcc:procedure:current"

    class Meta:
        ordering = ["-published_at", "-pk"]
        get_latest_by = ["published_at", "pk"]
        permissions = [("publish_procedure", "Can publish a new version of the procedure")]

    def __str__(self) -> str:
        return f"Version {self.version}"

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        caches["local"].delete(self.CACHE_KEY)  # (kept in each process)

    @property
    def review_is_due(self) -> bool:
        return self.review_date <= timezone.localdate()


class ProcedureAcknowledgement(models.Model):
    """That a member of staff has read a version of the procedure, and when. Written once."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, related_name="acknowledgements"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    acknowledged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-acknowledged_at"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "user"], name="acknowledged_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} read version {self.procedure.version}"


class WrittenStatus(models.TextChoices):
    """Where a file the background worker writes for one person has got to."""

    QUEUED = "queued", _("Queued")
    WRITING = "writing", _("Being written")
    READY = "ready", _("Ready to download")
    FAILED = "failed", _("Could not be written")
    EXPIRED = "expired", _("Removed")


class WrittenByWorker:
    """What a record of a file written by the background worker for one person answers (a
    call-log export, a subject access response): its `status` (WrittenStatus) and, once done,
    when its files go, `EXPORT_KEEP_HOURS` after `finished_at`."""

    status: str
    finished_at: datetime | None

    @property
    def is_queued(self) -> bool:
        return self.status == WrittenStatus.QUEUED

    @property
    def is_being_written(self) -> bool:
        return self.status == WrittenStatus.WRITING

    @property
    def is_ready(self) -> bool:
        return self.status == WrittenStatus.READY

    @property
    def has_failed(self) -> bool:
        return self.status == WrittenStatus.FAILED

    @property
    def in_hand(self) -> bool:
        return self.status in (WrittenStatus.QUEUED, WrittenStatus.WRITING)

    @property
    def expires_at(self) -> datetime | None:
        if self.finished_at is None:
            return None
        return self.finished_at + timedelta(hours=settings.EXPORT_KEEP_HOURS)
