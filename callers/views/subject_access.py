"""Pages for subject access: everything held about one caller."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from callers.models import Caller
from callers.selectors import subject_access as selectors
from callers.services.data_protection import sensitive_access_log
from opcc_calls.permissions import requires


@requires("callers.export_subject_access")
@require_GET
def subject_access_export(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything held about one caller, as one document to print or save."""
    caller = get_object_or_404(Caller.objects.current(), pk=pk)
    sensitive_access_log(by=request.user, caller_ids=[caller.pk], what="subject access export")
    return render(
        request,
        "callers/subject_access/subject_access.html",
        {
            "record": selectors.subject_access(caller),
            "merges": selectors.merges_for(caller),
        },
    )
