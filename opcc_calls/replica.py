"""Reads that may lag a second, sent to a PostgreSQL streaming replica when the office has one
(`DATABASE_REPLICA_URL`): the exports, the quarterly report, the dashboard's figures, the
subject access response and the candidates page. Everything else (every write, every read a
handler waits on, sign-in and sessions) stays on the primary. Without a replica set, reading
"from the replica" reads the primary, as always.

A read marks itself with `with replica_reads():`; the router (DATABASE_ROUTERS) sends the
reads inside to the replica, never a write, and never a read inside a transaction on the
primary (it must see that transaction's own writes)."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import connections

REPLICA = "replica"

_lagging_is_fine: ContextVar[bool] = ContextVar("lagging_is_fine", default=False)


def has_replica() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def replica_reads() -> Iterator[None]:
    """Reads inside may come from the replica (up to a second or so behind the primary)."""
    token = _lagging_is_fine.set(True)
    try:
        yield
    finally:
        _lagging_is_fine.reset(token)


class ReplicaRouter:
    """Sends the reads marked by `replica_reads` to the replica; everything else to the
    primary ("default")."""

    def db_for_read(self, model, **hints) -> str | None:
        if not (_lagging_is_fine.get() and has_replica()):
            return None
        if connections["default"].in_atomic_block:
            return None  # a read inside a write's transaction sees that write
        return REPLICA

    def db_for_write(self, model, **hints) -> str:
        return "default"

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the replica is a copy of the primary: one set of rows

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == "default"  # a replica follows the primary's schema on its own
