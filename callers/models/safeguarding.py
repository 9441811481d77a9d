"""Vulnerability and safeguarding (policy 5.3b, 5.8i, 5.8j): concerns raised with managers,
safeguarding referrals, and the words that suggest an immediate risk to life."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from callers.models.calls import Call, Caller
from opcc_calls.text import TypedText


class Concern(TypedText, models.Model):
    """A handler's concern that a caller may be vulnerable, raised with a manager (5.8i, 5.8j)."""

    class Kind(models.TextChoices):
        LEARNING_DISABILITY = "learning_disability", _("Possible learning disability")
        # For reasonable adjustments (Equality Act 2010), which 5.8i asks staff to consider.
        PHYSICAL_DISABILITY = "physical_disability", _("Possible physical disability")
        PERSONALITY_DISORDER = "personality_disorder", _("Possible personality disorder")
        MENTAL_HEALTH = "mental_health", _("Possible mental health condition")
        OTHER_CONDITION = "other_condition", _("Other condition, such as autism")
        RISK_TO_CALLER = "risk_to_caller", _("Risk to the caller")
        RISK_TO_OTHERS = "risk_to_others", _("Risk to others")
        OTHER = "other", _("Other")

    caller = models.ForeignKey(Caller, on_delete=models.PROTECT, related_name="concerns")
    call = models.ForeignKey(
        Call, on_delete=models.SET_NULL, null=True, blank=True, related_name="concerns"
    )
    kind = models.CharField(_("Kind of concern"), max_length=30, choices=Kind.choices)
    noticed = models.TextField(_("What you noticed"), max_length=4000)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="concerns_raised"
    )
    raised_at = models.DateTimeField(default=timezone.now)
    decision = models.TextField(_("What the manager decided"), blank=True, max_length=4000)
    handling = models.TextField(
        _("Agreed handling"),
        blank=True,
        max_length=2000,
        help_text=_("Any change to how the caller is handled. Shown on the handling card."),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="concerns_decided",
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    # Bumped on every decision: two managers deciding at once cannot overwrite each other.
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-raised_at"]
        indexes = [models.Index(fields=["closed_at", "raised_at"], name="concern_queue_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.raised_at:%-d %b %Y})"

    def get_absolute_url(self) -> str:
        return reverse("callers:concern", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Referral(TypedText, models.Model):
    """A safeguarding referral a manager made to the force or a safeguarding body (5.3b)."""

    class Body(models.TextChoices):
        FORCE = "force", _("The force")
        ADULT_SOCIAL_CARE = "adult_social_care", _("Adult social care")
        CHILDRENS_SERVICES = "childrens_services", _("Children's services")
        MENTAL_HEALTH_CRISIS = "mental_health_crisis", _("Mental health crisis team")
        OTHER = "other", _("Other")

    class LawfulBasis(models.TextChoices):
        CONSENT = "consent", _("Consent")
        VITAL_INTERESTS = "vital_interests", _("Vital interests")
        PUBLIC_TASK = "public_task", _("Public task")
        LEGAL_OBLIGATION = "legal_obligation", _("Legal obligation")
        SAFEGUARDING = "safeguarding", _("Safeguarding of children and individuals at risk")

    class Consent(models.TextChoices):
        YES = "yes", _("Yes, the caller consented")
        NO = "no", _("No, the caller did not consent")
        NOT_ASKED = "not_asked", _("Not asked (for example, it would increase the risk)")

    caller = models.ForeignKey(Caller, on_delete=models.PROTECT, related_name="referrals")
    concern = models.ForeignKey(
        Concern, on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals"
    )
    referred_to = models.CharField(_("Referred to"), max_length=30, choices=Body.choices)
    other_body = models.CharField(_("If other, who"), max_length=200, blank=True)
    referred_on = models.DateField(_("Date of referral"), default=timezone.localdate)
    their_reference = models.CharField(_("Their reference"), max_length=100, blank=True)
    lawful_basis = models.CharField(
        _("Lawful basis for sharing"), max_length=30, choices=LawfulBasis.choices
    )
    consent = models.CharField(_("Did the caller consent?"), max_length=20, choices=Consent.choices)
    outcome = models.TextField(blank=True, max_length=4000)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals_made"
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-referred_on", "-pk"]

    def __str__(self) -> str:
        return _("Referral to %(body)s") % {
            "body": self.other_body or self.get_referred_to_display()
        }

    def get_absolute_url(self) -> str:
        return reverse("callers:referral", args=[self.pk])


class ManagerAlert(models.Model):
    """ "Tell a manager now": a handler on a call that suggests an immediate risk to life asked
    for a manager, from the prompt or the confirmation. Managers are emailed at once; the
    record says who asked, when, and when the email went. Nothing about the caller is in it
    but the call, once logged."""

    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="manager_alerts"
    )
    raised_at = models.DateTimeField(default=timezone.now, db_index=True)
    call = models.ForeignKey(
        Call, on_delete=models.SET_NULL, null=True, blank=True, related_name="manager_alerts"
    )
    # One per click of the button: the same click sent twice (a double click) is kept once.
    token = models.UUIDField(unique=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-raised_at", "-pk"]

    def __str__(self) -> str:
        return (
            f"Manager asked for by {self.raised_by} at {timezone.localtime(self.raised_at):%H:%M}"
        )


class RiskWord(TypedText, models.Model):
    """Words in what a handler types that suggest an immediate risk to life."""

    word = models.CharField(
        _("Word or phrase"),
        max_length=60,
        unique=True,
        help_text=_(
            "Whole words, any case. Write a phrase in the first person: it also matches "
            'any other person and the usual endings ("kill myself" finds "killing himself", '
            '"self-harm" finds "self harm"), and short forms either way ("won\'t" finds "will '
            'not"). A * stands for one to three words ("jump off * bridge").'
        ),
    )
    is_active = models.BooleanField(_("In use"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["word"]

    def __str__(self) -> str:
        return self.word
