"""The complaints team's reference, recorded on a complaint's entry."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dmts.forms.complaints import ComplaintReferenceForm
from dmts.services import complaints as services
from dmts.views.entries import _entry, _entry_page
from opcc_calls.permissions import requires


@requires("dmts.review_dmtsentry")
@require_POST
def complaint_reference(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the complaints team's reference for a complaint handed to them (5.8c)."""
    entry = _entry(request, pk)
    form = ComplaintReferenceForm(request.POST)
    if form.is_valid():
        if form.run(request, services.complaint_reference_record, entry=entry, by=request.user):
            messages.success(request, _("The complaints team's reference is recorded."))
            return redirect(entry)
        if form.stale:
            return redirect(entry)
    return _entry_page(request, entry, None, complaint_form=form)
