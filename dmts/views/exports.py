"""Exports of the call log: asking for one, following it, downloading it (its requester only)."""

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from dmts.forms.entries import filters_load
from dmts.forms.exports import ExportForm
from dmts.models import CallLogExport
from dmts.selectors.exports import exports_of
from dmts.services import exports as services
from opcc_calls.exports import XLSX
from opcc_calls.permissions import requires


@requires("dmts.export_dmtsentry")
@require_POST
def export_new(request: HttpRequest) -> HttpResponse:
    """Ask for exactly the rows the call log's filters select, as CSV or an Excel workbook:
    the background worker writes the file and its page says when it is ready."""
    form = ExportForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, "The export could not be asked for: reload the call log and try again."
        )
        return redirect("dmts:log")
    export = services.export_request(
        by=request.user,
        format=form.cleaned_data["format"],
        filters=filters_load(request.session, form.cleaned_data["filter"]),
        submission_token=form.cleaned_data["submission_token"],
    )
    return redirect(export)


def _own_export(request: HttpRequest, pk: int, **conditions) -> CallLogExport:
    """One of this person's own exports, or 404: nobody else may see or download it."""
    return get_object_or_404(CallLogExport, pk=pk, requested_by=request.user, **conditions)


@requires("dmts.export_dmtsentry")
@require_GET
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Where an export has got to; htmx asks again every few seconds until it is done."""
    export = _own_export(request, pk)
    if request.htmx:
        return render(request, "dmts/exports/includes/export_status.html", {"export": export})
    return render(
        request,
        "dmts/exports/export.html",
        {"export": export, "others": exports_of(request.user, excluding=export)},
    )


@requires("dmts.export_dmtsentry")
@require_GET
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    export = _own_export(request, pk, status=CallLogExport.Status.READY)
    return FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=export.file.name.rsplit("/", 1)[-1],
        content_type=XLSX
        if export.format == CallLogExport.Format.XLSX
        else "text/csv; charset=utf-8",
    )
