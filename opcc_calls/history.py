"""Change history from django-simple-history: saving a record with who changed it and why, and
reading it back as who, when, what, old → new, why."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _

#: What each kind of history row is called ("+": "Caller created"), in the page's language.
Labels = Mapping[str, str | Promise]

#: Any model with history: what `save_with_history` is given, it gives back.
M = TypeVar("M", bound=models.Model)


def history_user_set(record: models.Model, user, reason: str = "") -> None:
    """Who makes the change being saved (and why), for the history row simple-history
    writes: it reads them from the record as it is saved or deleted."""
    record._history_user = user  # type: ignore[attr-defined]
    if reason:
        record._change_reason = reason  # type: ignore[attr-defined]


def history_of(model: type[models.Model]) -> models.Manager:
    """The history rows of a tracked model (the manager simple-history adds as `history`)."""
    return model.history  # type: ignore[attr-defined]


def save_with_history(record: M, *, user, reason: str = "", checks_in_database: bool = False) -> M:
    """Validate and save a tracked record, its history row naming who changed it and why.
    Every write of a user-changeable record goes through here.

    `checks_in_database` is for a hot path whose form has already checked what the user typed
    (logging a call): the fields are still validated, but uniqueness, foreign keys and check
    constraints are left to the database, which enforces them anyway, instead of a dozen
    queries asking it first."""
    if checks_in_database:
        relations = [f.name for f in record._meta.concrete_fields if f.is_relation]
        record.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)
    else:
        record.full_clean()
    history_user_set(record, user, reason)
    record.save()
    return record


@dataclass(frozen=True)
class Change:
    when: datetime
    who: str
    what: str
    fields: list[tuple[str, str, str]]
    reason: str


HIDDEN_FIELDS = ("version", "submission_token", "logged_at")


def who(record) -> str:
    user = record.history_user
    return (user.get_full_name() or user.username) if user else str(_("The system"))


def _display(field: models.Field, value, users: dict) -> str:
    if value in (None, ""):
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.ForeignKey):
        return str(users.get(value, f"#{value}"))
    if isinstance(field, models.BooleanField):
        return _("Yes") if value else _("No")
    if isinstance(field, models.DateTimeField):
        return date_format(timezone.localtime(value), "j M Y, H:i")
    if isinstance(field, models.DateField):
        return date_format(value, "j M Y")
    return str(value)


def _deltas(records: list, limit: int) -> list[tuple]:
    """Each of one object's records (newest first) beside its diff against the one before."""
    pairs = zip(records[:limit], [*records[1:], None], strict=False)
    return [
        (new, new.diff_against(old, excluded_fields=HIDDEN_FIELDS) if old else None)
        for new, old in pairs
    ]


def _users_named(model: type[models.Model], deltas: list[tuple]) -> dict:
    """The users that foreign keys in the diffs point at, in one query."""
    ids = {
        value
        for _, delta in deltas
        if delta
        for change in delta.changes
        for value in (change.old, change.new)
        if isinstance(model._meta.get_field(change.field), models.ForeignKey) and value
    }
    return {u.pk: u for u in get_user_model().objects.filter(pk__in=ids)} if ids else {}


def _changes(
    model: type[models.Model], deltas: list[tuple], what: Labels, users: dict
) -> list[Change]:
    changes = []
    for new, delta in deltas:
        fields = []
        for change in delta.changes if delta else []:
            field = model._meta.get_field(change.field)
            assert isinstance(field, models.Field)  # history diffs concrete fields only
            if isinstance(field, models.JSONField):
                continue  # figures kept for the app (counts when flagged), not for reading
            fields.append(
                (
                    str(field.verbose_name).capitalize(),
                    _display(field, change.old, users),
                    _display(field, change.new, users),
                )
            )
        changes.append(
            Change(
                new.history_date,
                who(new),
                str(what[new.history_type]),
                fields,
                new.history_change_reason or "",
            )
        )
    return changes


def record_changes(history, model: type[models.Model], *, limit: int, what: Labels) -> list[Change]:
    """One record's history, newest first, each change diffed against the one before it.
    Two queries: the history (limit + 1 rows) and the users any foreign key names."""
    records = list(
        history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    deltas = _deltas(records, limit)
    return _changes(model, deltas, what, _users_named(model, deltas))


def merged(*timelines: list[Change], limit: int) -> list[Change]:
    return sorted((c for t in timelines for c in t), key=lambda c: c.when, reverse=True)[:limit]


def object_changes(history, model: type[models.Model], *, what: Labels) -> dict[int, list[Change]]:
    """Every object's changes in a history queryset, grouped by object, in three queries at
    most: for documents that cover many records at once."""
    pk_name = model._meta.pk.attname
    grouped: dict[int, list] = {}
    for record in history.select_related("history_user").order_by(
        pk_name, "-history_date", "-history_id"
    ):
        grouped.setdefault(getattr(record, pk_name), []).append(record)
    deltas = {pk: _deltas(records, len(records)) for pk, records in grouped.items()}
    users = _users_named(model, [d for per_object in deltas.values() for d in per_object])
    return {pk: _changes(model, per_object, what, users) for pk, per_object in deltas.items()}
