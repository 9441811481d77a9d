"""The complaints team's reference, recorded on a complaint's entry."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from dmts.forms.complaints import ComplaintReferenceForm
from dmts.services import complaints as services
from dmts.views.entries import _entry, _entry_page
from opcc_calls.concurrency import StaleEdit
from opcc_calls.permissions import requires


@requires("dmts.review_dmtsentry")
@require_POST
def complaint_reference(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the complaints team's reference for a complaint handed to them (5.8c)."""
    entry = _entry(request, pk)
    form = ComplaintReferenceForm(request.POST)
    if not form.is_valid():
        return _entry_page(request, entry, None, complaint_form=form)
    try:
        services.complaint_reference_record(entry=entry, by=request.user, **form.cleaned_data)
    except StaleEdit:
        messages.error(request, form.stale_message)
    except ValidationError as error:
        form.add_error(None, error)
        return _entry_page(request, entry, None, complaint_form=form)
    else:
        messages.success(request, "The complaints team's reference is recorded.")
    return redirect(entry)
