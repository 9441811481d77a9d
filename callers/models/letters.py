"""Telling a flagged caller in writing: the office's wording for each letter, the letters as
written and sent, and the caller's appeal against their contact arrangements."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField
from simple_history.models import HistoricalRecords

from callers.models.flags import Flag
from callers.models.languages import LetterLanguage
from opcc_calls import phones
from opcc_calls.text import TypedText


class Letterhead(TypedText, models.Model):
    """The office as every letter names it and how a caller reaches it: set once by a manager
    (one row), with history. Each letter keeps the letterhead it was written with."""

    name = models.CharField(
        _("The office's name"),
        max_length=200,
        help_text=_("As it heads a letter, e.g. Office of the Police and Crime Commissioner."),
    )
    name_in_sentence = models.CharField(
        _("The name in a sentence"),
        max_length=210,
        help_text=_(
            'As a sentence says it, with "the" where one belongs: "your contact with the '
            'Office of the Police and Crime Commissioner".'
        ),
    )
    address = models.TextField(
        _("Postal address"), max_length=1000, help_text=_("One line each, with the postcode.")
    )
    telephone = PhoneNumberField("Telephone")
    email = models.EmailField(_("Email address"))
    web = models.URLField(_("Website"), blank=True)
    # The Welsh Language Standards: a Welsh letter names the office in Welsh.
    welsh_name = models.CharField(
        _("The office's name in Welsh"),
        max_length=200,
        blank=True,
        default="",
        db_default="",
        help_text=_(
            "As it heads a Welsh letter, e.g. Swyddfa Comisiynydd yr Heddlu a Throseddu. "
            "Without it, no letter is written in Welsh."
        ),
    )
    welsh_name_in_sentence = models.CharField(
        _("The Welsh name in a sentence"),
        max_length=210,
        blank=True,
        default="",
        db_default="",
        help_text=_('As a Welsh sentence says it: "eich cysylltiad â Swyddfa\'r Comisiynydd".'),
    )
    welsh_address = models.TextField(
        _("Postal address in Welsh"),
        max_length=1000,
        blank=True,
        default="",
        db_default="",
        help_text=_("Blank: the postal address above, on Welsh letters too."),
    )
    letter_language = models.CharField(
        _("Letters are written in"),
        max_length=5,
        choices=LetterLanguage,
        default=LetterLanguage.ENGLISH,
        db_default=LetterLanguage.ENGLISH,
        help_text=_(
            "For callers whose language for letters is not known (or is another language)."
        ),
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "letterhead"

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.pk = 1  # one row
        super().save(*args, **kwargs)

    @property
    def is_complete(self) -> bool:
        """Whether a caller can write, telephone and email the office from it."""
        return bool(
            self.pk and self.name and self.address.strip() and self.telephone and self.email
        )

    @property
    def address_lines(self) -> list[str]:
        return [line.strip() for line in self.address.splitlines() if line.strip()]

    @property
    def lines(self) -> list[str]:
        """The letterhead as printed on an English letter."""
        return self.lines_in(LetterLanguage.ENGLISH)

    def name_in(self, language: str) -> str:
        return self.welsh_name if language == LetterLanguage.WELSH else self.name

    def lines_in(self, language: str) -> list[str]:
        """The letterhead as a letter in `language` prints it: the name (both, Welsh first, on
        a bilingual letter), the address, then how to get in touch."""
        welsh = language != LetterLanguage.ENGLISH
        names = [self.welsh_name, self.name] if language == LetterLanguage.BILINGUAL else []
        address = self.welsh_address if welsh and self.welsh_address.strip() else self.address
        labels = {
            LetterLanguage.ENGLISH: ("Telephone", "Email", "Web"),
            LetterLanguage.WELSH: ("Ffôn", "E-bost", "Gwefan"),
            LetterLanguage.BILINGUAL: ("Ffôn / Telephone", "E-bost / Email", "Gwefan / Web"),
        }[LetterLanguage(language)]
        lines = names or [self.name_in(language)]
        lines += [line.strip() for line in address.splitlines() if line.strip()]
        if self.telephone:
            lines.append(f"{labels[0]}: {phones.as_national(str(self.telephone))}")
        lines.append(f"{labels[1]}: {self.email}")
        if self.web:
            lines.append(f"{labels[2]}: {self.web}")
        return lines


class LetterTemplate(TypedText, models.Model):
    """The office's wording for a letter to a flagged caller, which it edits. Placeholders in
    braces, such as {name}, are filled from the flag when a letter is written."""

    class Kind(models.TextChoices):
        NOTICE = "notice", _("Notice of contact arrangements")
        APPEAL_UPHELD = "appeal_upheld", _("Appeal upheld")
        APPEAL_NOT_UPHELD = "appeal_not_upheld", _("Appeal not upheld")

    kind = models.CharField(max_length=20, choices=Kind, editable=False)
    language = models.CharField(
        _("Language"),
        max_length=5,
        choices=[(LetterLanguage.ENGLISH, "English"), (LetterLanguage.WELSH, "Welsh")],
        default=LetterLanguage.ENGLISH,
        db_default=LetterLanguage.ENGLISH,
        editable=False,
    )
    subject = models.CharField(_("Heading"), max_length=200)
    body = models.TextField(
        _("Wording"),
        max_length=10_000,
        help_text=_("A blank line between paragraphs. Placeholders in braces are filled in."),
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()

    #: What each letter can say about the flag: never its agreed response, notes, concerns or
    #: referrals, which are for staff only.
    PLACEHOLDERS = {
        "name": _("the caller's name"),
        "reference": _("the caller's reference, to quote"),
        "office": _(
            'the office\'s name as a sentence says it ("the Office of …"; "The …" to start '
            "a sentence or line)"
        ),
        "office_name": _("the office's name on its own, as it heads the letter and signs it"),
        "address": _("the office's postal address, on one line"),
        "telephone": _("the office's telephone number"),
        "email": _("the office's email address"),
        "date": _("the date of the letter"),
        "arrangements": _("the contact arrangements, in plain words"),
        "reason": _("why, as the manager writes it for the caller"),
        "review_date": _("when the arrangements will be reviewed"),
        "appeal_received": _("when the appeal was received (appeal letters)"),
        "outcome_reasons": _("the reasons for the decision (appeal letters)"),
    }

    class Meta:
        ordering = ["kind", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "language"], name="letter_template_one_per_kind_and_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_language_display()})"


class AppealQuerySet(models.QuerySet):
    def waiting(self) -> "AppealQuerySet":
        return self.filter(decided_at__isnull=True)


class Appeal(TypedText, models.Model):
    """A caller's challenge to their contact arrangements, heard by a manager who did not make
    the flag (the ombudsmen's guidance on unreasonable contact)."""

    class Outcome(models.TextChoices):
        UPHELD_END = "upheld_end", _("Upheld: the flag ends")
        UPHELD_CHANGE = "upheld_change", _("Upheld: the arrangements change")
        NOT_UPHELD = "not_upheld", _("Not upheld")

    flag = models.ForeignKey(Flag, on_delete=models.PROTECT, related_name="appeals")
    received_on = models.DateField(_("Received on"))
    grounds = models.TextField(_("What the caller says"), max_length=5000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appeals_recorded"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    reasons = models.TextField(_("Reasons for the decision"), max_length=5000, blank=True)
    welsh_reasons = models.TextField(
        _("The reasons in Welsh"),
        max_length=5000,
        blank=True,
        default="",
        db_default="",
        help_text=_("For a caller whose letters are in Welsh, or in Welsh and English."),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appeals_decided",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()
    objects = AppealQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-pk"]
        permissions = [("decide_appeal", "Can decide appeals against contact arrangements")]

    def __str__(self) -> str:
        return f"Appeal by {self.flag.caller} received {self.received_on:%-d %B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("callers:appeal", args=[self.pk])

    @property
    def is_waiting(self) -> bool:
        return self.decided_at is None

    def can_be_decided_by(self, user) -> bool:
        """A manager who did not make the flag (the ombudsmen's guidance on unreasonable
        contact): enforced when deciding, and the page says why to anyone else."""
        return user.has_perm("callers.decide_appeal") and self.flag.flagged_by_id != user.pk


class Letter(TypedText, models.Model):
    """A letter to a flagged caller as it was written from the office's template, and whether
    and how it was sent. Kept as written: what the caller was told does not change when the
    template or the flag does."""

    Kind = LetterTemplate.Kind

    class Sent(models.TextChoices):
        POST = "post", _("By post")
        EMAIL = "email", _("By email")

    flag = models.ForeignKey(Flag, on_delete=models.PROTECT, related_name="letters")
    appeal = models.ForeignKey(
        Appeal, on_delete=models.PROTECT, null=True, blank=True, related_name="letters"
    )
    kind = models.CharField(max_length=20, choices=Kind)
    letterhead = models.TextField(max_length=1000)
    reference = models.CharField(_("The caller's reference"), max_length=20, blank=True)
    subject = models.CharField(max_length=200)
    body = models.TextField(max_length=20_000)
    language = models.CharField(
        _("Written in"),
        max_length=5,
        choices=LetterLanguage,
        default=LetterLanguage.ENGLISH,
        db_default=LetterLanguage.ENGLISH,
    )
    # A bilingual letter: the Welsh above (subject, body), then the English.
    english_subject = models.CharField(max_length=200, blank=True, default="", db_default="")
    english_body = models.TextField(max_length=20_000, blank=True, default="", db_default="")
    arrangements = models.TextField(_("The arrangements it tells of"), max_length=2000, blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="letters_written"
    )
    written_at = models.DateTimeField(default=timezone.now)
    sent_on = models.DateField(_("Sent on"), null=True, blank=True)
    sent_how = models.CharField(_("How"), max_length=10, choices=Sent.choices, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="letters_sent",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-written_at", "-pk"]
        permissions = [("write_letter", "Can write to flagged callers and record letters sent")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.flag.caller}, {self.written_at:%-d %B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("callers:letter", args=[self.pk])

    @property
    def paragraphs(self) -> list[str]:
        return _paragraphs(self.body)

    @property
    def versions(self) -> list[tuple[str, str, list[str]]]:
        """The letter as printed, a language at a time: (language, subject, paragraphs), the
        Welsh first on a bilingual letter."""
        first = LetterLanguage.wordings(self.language)[0]
        versions = [(first, self.subject, self.paragraphs)]
        if self.language == LetterLanguage.BILINGUAL:
            versions.append(
                (LetterLanguage.ENGLISH, self.english_subject, _paragraphs(self.english_body))
            )
        return versions


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
