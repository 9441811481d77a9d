from django.conf import settings
from django.http import HttpRequest


def office(request: HttpRequest) -> dict[str, object]:
    """The office's name for every page, and the CSP nonce under the name django-htmx reads."""
    return {
        "office_name": settings.OFFICE_NAME,
        "csp_nonce": getattr(request, "csp_nonce", ""),
    }
