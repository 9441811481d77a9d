"""The languages a caller is spoken and written to in (the Welsh Language Standards: ask,
record, and use it; any other language through an interpreter)."""

from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    """A caller's language for calls."""

    ENGLISH = "en", pgettext_lazy("language", "English")
    WELSH = "cy", pgettext_lazy("language", "Welsh")
    OTHER = "other", _("Another language")


class LetterLanguage(models.TextChoices):
    """The language a letter is written in: bilingual letters put the Welsh first, as the
    Welsh Language Standards prefer."""

    ENGLISH = "en", pgettext_lazy("language", "English")
    WELSH = "cy", pgettext_lazy("language", "Welsh")
    BILINGUAL = "cy-en", _("Welsh and English (Welsh first)")

    @classmethod
    def wordings(cls, value: str) -> list[str]:
        """The wording languages a letter in `value` is made of, in the order printed."""
        return ["cy", "en"] if value == cls.BILINGUAL else [value]


class LanguagePreference(models.Model):
    """What a caller's record holds about their language, asked on their first call."""

    language = models.CharField(
        _("Language for calls"),
        max_length=5,
        choices=Language,
        blank=True,
        default="",
        db_default="",
        help_text=_("Blank until they are asked."),
    )
    other_language = models.CharField(
        _("Which other language"), max_length=100, blank=True, default="", db_default=""
    )
    interpreter_needed = models.BooleanField(
        _("Interpreter needed"), default=False, db_default=False
    )
    letter_language = models.CharField(
        _("Language for letters"),
        max_length=5,
        choices=LetterLanguage,
        blank=True,
        default="",
        db_default="",
        help_text=_(
            "Blank: their language for calls when it is English or Welsh, otherwise the "
            "office's language for letters."
        ),
    )

    class Meta:
        abstract = True

    @property
    def language_shown(self) -> str:
        """Their language as staff read it: "Polish" rather than "Another language"."""
        if self.language == Language.OTHER:
            return self.other_language or gettext("another language")
        return self.get_language_display()

    @property
    def language_advice(self) -> str:
        """What the handling card tells whoever answers them, first ("" when English and no
        interpreter)."""
        if not self.language:
            return gettext("Language not asked yet: ask which language they prefer.")
        if self.language == Language.WELSH:
            return gettext("Prefers Welsh: offer a Welsh speaker.")
        if self.language == Language.OTHER or self.interpreter_needed:
            return gettext("Prefers %(language)s: interpreter needed.") % {
                "language": self.language_shown
            }
        return ""

    def letters_in(self, office_default: str) -> str:
        """The language their letters are written in (a LetterLanguage value)."""
        if self.letter_language:
            return self.letter_language
        if self.language in (Language.ENGLISH, Language.WELSH):
            return self.language
        return office_default
