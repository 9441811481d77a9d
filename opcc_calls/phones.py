"""Phone numbers as the office hears them: any UK or international format, stored as E.164."""

import re

import phonenumbers
from django.conf import settings
from django.utils.translation import gettext_lazy as _

INVALID_MESSAGE = _(
    "Enter a valid phone number, like 01234 567890 or +44 1234 567890. "
    "If they would not give one, leave it blank."
)


def normalise(raw: str) -> str | None:
    """'01234 567890', '(01234) 567 890', '+44 1234 567890' and '0044 1234 567890' all give
    '+441234567890'. Returns None for anything that is not a possible number."""
    text = raw.strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, settings.PHONENUMBER_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def digits_fragment(raw: str) -> str:
    """The significant digits of a partly typed number, for matching as the handler types:
    '01234 56' gives '123456' (the trunk 0 or the +44 / 0044 prefix dropped)."""
    digits = re.sub(r"\D", "", raw)
    for prefix in ("0044", "44", "0"):
        if digits.startswith(prefix) and (prefix != "44" or raw.strip().startswith("+")):
            return digits[len(prefix) :]
    return digits


def looks_like_phone(text: str) -> bool:
    """True when the text is mostly digits: a number being typed rather than a name."""
    digits = sum(ch.isdigit() for ch in text)
    return digits >= 3 and digits >= len(re.sub(r"[\s()+\-]", "", text)) * 0.8


def as_national(e164: str) -> str:
    """'+441234567890' as a handler would say it: '01234 567890' (international for numbers
    from abroad)."""
    number = phonenumbers.parse(e164, settings.PHONENUMBER_DEFAULT_REGION)
    region = phonenumbers.region_code_for_number(number)
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if region == settings.PHONENUMBER_DEFAULT_REGION
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)
