"""Two people editing one record: each form carries the version it was opened at, and the save
checks it under a row lock, so of two saves at once one is refused instead of overwritten."""

from typing import TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


class StaleEdit(Exception):
    """Someone else saved this record after the form was opened."""


def locked_for_edit(model: type[M], pk: int, version: int, *, related: tuple[str, ...] = ()) -> M:
    """The record, locked until the transaction ends, with its version moved on by one; raises
    StaleEdit when someone saved it after `version` was read. Call inside a transaction."""
    current = model._default_manager.select_related(*related).select_for_update().get(pk=pk)
    if current.version != version:  # type: ignore[attr-defined]  # every versioned model's
        raise StaleEdit
    current.version = version + 1  # type: ignore[attr-defined]
    return current
