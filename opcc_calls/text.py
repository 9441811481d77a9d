"""Text as people type it, or paste it from Word: control characters (a vertical tab, an
escape) carry no meaning here and break spreadsheets, and bidirectional overrides reverse
what follows them, so they never reach the database (and are taken out of exports and
letters made from what was saved before)."""

import re
from typing import TYPE_CHECKING

from django.db import models

#: ASCII control characters other than tab, line feed and carriage return, and DEL; and the
#: bidirectional overrides and isolates (U+202A-202E, U+2066-2069), which reverse the text
#: after them on a page or in a letter. Other format characters stay: a Persian or Arabic
#: name needs its zero-width non-joiner.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def without_control_characters(text: str) -> str:
    return CONTROL_CHARACTERS.sub("", text)


# Mixed into models: the type checker sees a Model (its _meta and clean_fields), Python a mixin.
if TYPE_CHECKING:
    _Model = models.Model
else:
    _Model = object


class TypedText(_Model):
    """For a model people type into: validation (`full_clean`, which every service and the
    admin run) first removes control characters from its text fields."""

    def clean_fields(self, exclude=None) -> None:
        for field in self._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField) and (
                not exclude or field.name not in exclude
            ):
                value = getattr(self, field.attname)
                if isinstance(value, str):
                    setattr(self, field.attname, without_control_characters(value))
        super().clean_fields(exclude=exclude)
