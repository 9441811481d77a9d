"""Callers and the calls they make (policy 5.4-5.9)."""

import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField
from simple_history.models import HistoricalRecords

from callers.models.languages import LanguagePreference
from opcc_calls.text import TypedText
from opcc_calls.windows import WINDOWS, Tally, in_window, tallies, window_start

#: Before this, no call this office logs was received (and a year like 0001 would be
#: disposed of by the next retention run).
EARLIEST_CALL = datetime(2000, 1, 1, tzinfo=UTC)


def entries_visible_to(user, *, handler: str = "handler") -> Q:
    """The one rule for who sees a call's DMTS entry (its review, notes and history): the
    Compliance Officer and managers see every one, a handler the calls they took. `handler`
    is the path to the call's handler from the records being filtered."""
    if user.has_perm("dmts.review_dmtsentry"):
        return Q()
    return Q(**{handler: user.pk})


class CallerQuerySet(models.QuerySet):
    def current(self) -> "CallerQuerySet":
        """Callers not merged into another record."""
        return self.filter(merged_into__isnull=True)


class Caller(TypedText, LanguagePreference, models.Model):
    """A person (or organisation's representative) who contacts the office."""

    full_name = models.CharField(_("Full name"), max_length=200)
    other_names = models.CharField(
        _("Other names they use"),
        max_length=300,
        blank=True,
        help_text=_("Nicknames, maiden names or spellings they give, separated by commas."),
    )
    email = models.EmailField(_("Email address"), blank=True)
    postal_address = models.TextField(_("Postal address"), blank=True, max_length=1000)
    notes = models.TextField(blank=True, max_length=5000)
    reasonable_adjustments = models.TextField(
        _("Reasonable adjustments"),
        blank=True,
        max_length=2000,
        help_text=_(
            "How to communicate with this caller, for example: speak slowly, "
            "prefers written contact, uses a relay service."
        ),
    )
    large_print = models.BooleanField(
        _("Letters in large print"),
        default=False,
        help_text=_("Their letters are offered in large print (16 point) first."),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Bumped on every edit: a stale form (someone else saved first) is refused, not overwritten.
    version = models.PositiveIntegerField(default=1, editable=False)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="merged_from",
        help_text=_("Set when this record was found to be the same person as another."),
    )
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)
    legal_hold = models.BooleanField(
        _("On legal hold"),
        default=False,
        help_text=_("Records on legal hold are never removed by the retention schedule."),
    )

    history = HistoricalRecords()
    objects = CallerQuerySet.as_manager()

    class Meta:
        ordering = ["full_name", "pk"]
        indexes = [
            models.Index(fields=["full_name"], name="caller_full_name_idx"),
            # Retention finds callers added long ago who never called without reading them all,
            # and the few on legal hold (its page counts and lists them).
            models.Index(fields=["created_at"], name="caller_created_idx"),
            models.Index(
                fields=["id"], condition=models.Q(legal_hold=True), name="caller_legal_hold_idx"
            ),
        ]
        permissions = [
            ("merge_caller", "Can merge duplicate callers"),
            ("export_subject_access", "Can export everything held about a caller"),
            ("apply_legal_hold", "Can put a caller's records on legal hold"),
            ("import_flags", "Can import a frequent calls spreadsheet"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("callers:detail", args=[self.pk])

    #: The caller's reference, which letters give them to quote; the callers' search finds it.
    REFERENCE = re.compile(r"\s*C-?0*([0-9]{1,9})\s*", re.IGNORECASE)

    @property
    def reference(self) -> str:
        return f"C-{self.pk:06d}"

    @property
    def last_contact(self):
        """When they last called (None before their first call)."""
        activity = getattr(self, "activity", None)
        return activity.last_call_at if activity else None


class CallerPhone(models.Model):
    """A phone number a caller uses, stored normalised (E.164) so every format matches."""

    caller = models.ForeignKey(Caller, on_delete=models.CASCADE, related_name="phones")
    number = PhoneNumberField("Phone number")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["number"], name="callerphone_number_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["caller", "number"], name="callerphone_unique_per_caller"
            ),
        ]

    def __str__(self) -> str:
        return self.number.as_national if self.number else ""


class CallerActivity(models.Model):
    """Derived counters kept up to date as calls are logged, so lists never rescan the log.

    Not a user-editable record, so not history-tracked: `call_log` maintains it.
    """

    caller = models.OneToOneField(
        Caller, on_delete=models.CASCADE, primary_key=True, related_name="activity"
    )
    calls_total = models.PositiveIntegerField(default=0)
    first_call_at = models.DateTimeField(null=True)
    last_call_at = models.DateTimeField(null=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.caller_id}: {self.calls_total} calls"


class CallQuerySet(models.QuerySet):
    #: The records of calls logged in error, each keyed by its `call`, which no count
    #: includes. Voiding is the DMTS call log's: dmts, which builds on callers, names its
    #: voided entries here as it loads (`counted_leaves_out`); callers never names dmts.
    logged_in_error: ClassVar[models.QuerySet | None] = None

    def for_caller(self, caller: Caller) -> "CallQuerySet":
        return self.filter(caller=caller)

    def counted(self) -> "CallQuerySet":
        """Calls that count towards a caller's totals: not logged in error. Asked as NOT
        EXISTS against the few voided entries (a partial index), not by joining every call to
        its entry."""
        if self.logged_in_error is None:
            return self
        return self.exclude(Exists(self.logged_in_error.filter(call=models.OuterRef("pk"))))

    def visible_to(self, user) -> "CallQuerySet":
        """Calls whose DMTS entry this person may open (entries_visible_to)."""
        return self.filter(entries_visible_to(user))

    def with_entry_openable_by(self, user) -> "CallQuerySet":
        """Each call marked `entry_openable`: whether this person may open its DMTS entry."""
        rule = entries_visible_to(user)
        return self.annotate(
            entry_openable=models.ExpressionWrapper(rule, output_field=models.BooleanField())
            if rule
            else models.Value(True)
        )

    def in_window(self, window: str, *, now: datetime | None = None) -> "CallQuerySet":
        return self.filter(in_window(window, now=now or timezone.now()))

    def tallies(self, wanted: dict[str, Tally]) -> dict[str, int]:
        """Several counts over these calls in one query (see `opcc_calls.windows.tallies`)."""
        return tallies(self, wanted, sales=Call.Type.SALES)

    def window_counts(self, *, now=None) -> dict[str, int]:
        """Counted calls and different staff in each of the WINDOWS, in one query."""
        now = now or timezone.now()
        wanted = {}
        for name in WINDOWS:
            lookup, start = window_start(name, now=now)
            inclusive = lookup == "gte"
            wanted[f"calls_{name}"] = Tally(after=start, inclusive=inclusive)
            wanted[f"handlers_{name}"] = Tally(after=start, inclusive=inclusive, staff=True)
        return self.counted().in_window("90d", now=now).tallies(wanted)


def counted_leaves_out(logged_in_error: models.QuerySet) -> None:
    """Every count of calls leaves these out from now on: the records (keyed by `call`) of
    calls logged in error. The app that records voiding calls this as it loads."""
    CallQuerySet.logged_in_error = logged_in_error


class Call(TypedText, models.Model):
    """One telephone call, logged by the member of staff who took it (5.5, 5.8a)."""

    class Type(models.TextChoices):
        ENQUIRY = "enquiry", _("Enquiry")
        COMPLAINT = "complaint", _("Complaint")
        COMMISSIONER = "commissioner", _("Request to speak to the Commissioner")
        NAMED_PERSON = "named_person", _("Request to speak to a named person")
        POLICE_HQ = "police_hq", _("To be forwarded to Police Headquarters")
        SALES = "sales", _("Sales or marketing")
        OTHER = "other", _("Other")

    class ComplaintStatus(models.TextChoices):
        REFERRED = "referred", _("Referred to the complaints process")
        IN_PROGRESS = "in_progress", _("Being dealt with under the complaints process")
        CLOSED = "closed", _("Complaints process finished")

    class Recognised(models.TextChoices):
        """How the handler knew they had called before (5.7), or that they had not."""

        REMEMBERED = "remembered", _("I remembered them and their issues (5.7a)")
        SAID = "said", _("They said they had called before (5.7b)")
        ASKED = "asked", _("I asked whether they had called before (5.7c)")
        FOUND = "found", _("Found by their number or name")
        NEW = "new", _("A new caller: they had not called before")

    class IdentityCheck(models.TextChoices):
        CHECKED = "checked", _("Checked before anything about them was discussed")
        NOT_NEEDED = "not_needed", _("Not needed: nothing about them was discussed")
        NOT_CHECKED = "not_checked", _("Not checked")

    caller = models.ForeignKey(Caller, on_delete=models.PROTECT, related_name="calls")
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="calls_handled",
        verbose_name=_("handled by"),
    )
    received_at = models.DateTimeField(_("Received at"), default=timezone.now)
    ended_at = models.DateTimeField(_("Ended at"), null=True, blank=True)
    call_type = models.CharField(_("Type of call"), max_length=20, choices=Type.choices)
    about = models.TextField(_("What the call is about"), max_length=5000)
    outcome = models.TextField(_("Outcome"), max_length=5000, blank=True)
    recognised = models.CharField(
        _("How they were recognised"),
        max_length=20,
        choices=Recognised.choices,
        blank=True,
        default="",
        db_default="",  # the release before this one inserts calls without it
    )
    identity_check = models.CharField(
        _("Caller's identity"),
        max_length=20,
        choices=IdentityCheck.choices,
        default=IdentityCheck.NOT_NEEDED,
    )
    # Complaint (5.8c)
    complaint_status = models.CharField(
        _("Complaints process"), max_length=20, choices=ComplaintStatus.choices, blank=True
    )
    # To be forwarded to Police Headquarters
    police_department = models.CharField(
        _("Department at Police Headquarters"), max_length=200, blank=True
    )
    published_route_given = models.BooleanField(
        _("The caller was given the published route"), default=False
    )
    # Sales or marketing (5.9)
    organisation = models.CharField(_("Organisation"), max_length=200, blank=True)
    selling = models.CharField(_("What they were selling or promoting"), max_length=500, blank=True)
    # Abusive or malicious call, any type (5.8f)
    abusive = models.BooleanField(_("The call was abusive or malicious"), default=False)
    warning_given_at = models.DateTimeField(_("Warning given at"), null=True, blank=True)
    terminated_at = models.DateTimeField(_("Call terminated at"), null=True, blank=True)

    # The phone system's own id for the call (screen pop), to match it with call records.
    phone_call_id = models.CharField(_("Phone system's call id"), max_length=100, blank=True)
    # A token carried by the form: a double click or a resubmitted form logs one call.
    submission_token = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    logged_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()
    objects = CallQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-pk"]
        get_latest_by = "received_at"
        indexes = [
            # Covering: a caller's counts (windows, rules, the card) read only the index.
            models.Index(
                fields=["caller", "received_at"],
                include=["call_type", "handler", "id"],
                name="call_caller_received_idx",
            ),
            models.Index(fields=["received_at"], name="call_received_idx"),
            models.Index(fields=["handler", "received_at"], name="call_handler_received_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("received_at")),
                name="call_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=~Q(call_type="complaint") | ~Q(complaint_status=""),
                name="call_complaint_has_status",
            ),
            models.CheckConstraint(
                condition=Q(received_at__gte=EARLIEST_CALL), name="call_received_this_century"
            ),
        ]

    #: No call lasts longer: a later end (or an end "before" the receipt read as the next day)
    #: is a mistake to correct, not a call to save.
    LONGEST = timedelta(hours=12)

    #: What each type of call must record besides the basics (policy 5.8c, 5.9).
    FIELDS_NEEDED: dict[str, list[str]] = {
        Type.COMPLAINT: ["complaint_status"],
        Type.POLICE_HQ: ["police_department"],
        Type.SALES: ["organisation", "selling"],
    }

    def __str__(self) -> str:
        return f"{self.reference}: {self.get_call_type_display()}"

    def get_absolute_url(self) -> str:
        return reverse("dmts:entry", args=[self.pk])

    def clean(self) -> None:
        errors = {
            name: _("Needed for this type of call.")
            for name in self.FIELDS_NEEDED.get(self.call_type, [])
            if not getattr(self, name)
        }
        if self.received_at and self.ended_at and self.ended_at - self.received_at > self.LONGEST:
            errors["ended_at"] = _("A call does not last more than 12 hours: check when it ended.")
        if self.received_at and self.received_at < EARLIEST_CALL:
            errors["received_at"] = _("Check the date: no call here was received before 2000.")
        if self.abusive:
            errors.update(
                {
                    name: _("Give the time, for the record of an abusive call.")
                    for name in ("warning_given_at", "terminated_at")
                    if getattr(self, name) is None
                }
            )
        if errors:
            raise ValidationError(errors)

    @property
    def is_complaint(self) -> bool:
        return self.call_type == self.Type.COMPLAINT

    @property
    def is_request(self) -> bool:
        """A request to speak to the Commissioner or a named person (5.8d)."""
        return self.call_type in (self.Type.COMMISSIONER, self.Type.NAMED_PERSON)

    @property
    def is_for_police_hq(self) -> bool:
        return self.call_type == self.Type.POLICE_HQ

    @property
    def is_sales(self) -> bool:
        return self.call_type == self.Type.SALES

    @property
    def reference(self) -> str:
        """The DMTS reference the office quotes, once the entry exists."""
        entry = getattr(self, "dmts_entry", None)
        return entry.reference if entry else f"CALL-{self.pk}"
