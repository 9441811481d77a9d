"""The first-run checklist: what an office sets up before its staff take calls (README:
Production). `manage.py check --deploy` reports the server's part, `manage.py check --deploy
--database default` the records' part too, and a manager's home page shows what is left until
it is done."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.checks import Tags, Warning, register
from django.db import connections
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from callers.models import StaffContact
from opcc_calls.telephony import webhook_secret

#: Staff named on the checklist at most.
NAMED = 10


@dataclass(frozen=True)
class ToSetUp:
    id: str
    what: str
    how: str
    names: tuple[str, ...] = ()

    @property
    def named(self) -> tuple[str, ...]:
        """Whom to name: the first NAMED of them."""
        return self.names[:NAMED]

    @property
    def more(self) -> bool:
        """Whether there are more than are named."""
        return len(self.names) > NAMED


def server_to_set_up() -> list[ToSetUp]:
    """What the server's environment still lacks (IT's part)."""
    missing = []
    if not settings.COMPLAINTS_EMAIL:
        missing.append(
            ToSetUp(
                "callers.W003",
                _("Complaints logged as calls are emailed to nobody: COMPLAINTS_EMAIL is not set."),
                _("Your IT sets COMPLAINTS_EMAIL to the complaints team's address (README)."),
            )
        )
    if not webhook_secret():
        missing.append(
            ToSetUp(
                "callers.W004",
                _(
                    "The phone system's secret (TELEPHONY_WEBHOOK_SECRET) is missing or shorter "
                    "than 32 characters, so no call pops up on a handler's screen."
                ),
                _("Your IT sets it, and gives the phone system the same (telephony/README.md)."),
            )
        )
    return missing


def records_to_set_up() -> list[ToSetUp]:
    """What the office's records still lack (the administrator's and managers' part): two
    queries."""
    missing = []
    if not StaffContact.objects.filter(is_commissioner=True, is_active=True).exists():
        missing.append(
            ToSetUp(
                "callers.W001",
                _(
                    "The staff directory has no entry for the Commissioner, so a request to "
                    "speak to the Commissioner cannot be logged."
                ),
                _(
                    "Add the Commissioner to the staff directory (the administration pages), "
                    "with “Is the Police and Crime Commissioner” ticked."
                ),
            )
        )
    # Every member of staff takes calls (SOP 3.1): someone with a role but not the call
    # handlers' cannot open Log a call.
    add_call = Permission.objects.filter(codename="add_call", content_type__app_label="callers")
    cannot = (
        get_user_model()
        .objects.filter(is_active=True, is_superuser=False, groups__isnull=False)
        .exclude(Q(groups__permissions__in=add_call) | Q(user_permissions__in=add_call))
        .order_by("username")
        .values_list("username", flat=True)
        .distinct()
    )
    names = tuple(cannot[: NAMED + 1])
    if names:
        missing.append(
            ToSetUp(
                "callers.W002",
                _("Some staff cannot log calls: they have a role but not “Call handlers”."),
                _(
                    "Everyone takes calls (the procedure, 3.1): give them the “Call handlers” "
                    "role as well, in the administration pages."
                ),
                names,
            )
        )
    return missing


def _warnings(missing: list[ToSetUp]) -> list[Warning]:
    return [
        Warning(
            str(item.what)
            + (f" ({', '.join(item.named)}{', …' if item.more else ''})" if item.names else ""),
            hint=str(item.how),
            id=item.id,
        )
        for item in missing
    ]


@register(Tags.security, deploy=True)
def server_set_up(app_configs, **kwargs) -> list[Warning]:
    return _warnings(server_to_set_up())


@register(Tags.database)
def records_set_up(app_configs, databases=None, **kwargs) -> list[Warning]:
    """Only when asked for (`--database default`), and not before migrate has made the
    tables (migrate runs the database checks first)."""
    if not databases or "default" not in databases:
        return []
    if StaffContact._meta.db_table not in connections["default"].introspection.table_names():
        return []
    return _warnings(records_to_set_up())
