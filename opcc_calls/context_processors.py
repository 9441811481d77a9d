from django.conf import settings
from django.http import HttpRequest

from opcc_calls.selectors import procedure_to_acknowledge


def procedure(request: HttpRequest) -> dict[str, object]:
    """The procedure's version this person still has to acknowledge, for every page's reminder
    (SOP 6.1; nothing is blocked: calls must always be loggable)."""
    return {"procedure_to_acknowledge": procedure_to_acknowledge(request)}


def office(request: HttpRequest) -> dict[str, object]:
    """The office's name for every page, and the CSP nonce under the name django-htmx reads."""
    return {
        "office_name": settings.OFFICE_NAME,
        "csp_nonce": getattr(request, "csp_nonce", ""),
    }
