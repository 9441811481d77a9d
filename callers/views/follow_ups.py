"""Pages for follow-ups: the queue, one follow-up, giving it to someone and marking it done."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from callers.forms.follow_ups import FollowUpAssignForm, FollowUpDoneForm
from callers.models import FollowUp
from callers.selectors.follow_ups import follow_up_changes
from callers.services import follow_ups as services
from opcc_calls.pagination import window
from opcc_calls.permissions import SIGNED_IN, requires

FOLLOW_UP_VIEWS = {
    "open": (gettext_lazy("Open"), lambda qs, user: qs.open()),
    "mine": (gettext_lazy("Mine"), lambda qs, user: qs.open().filter(owner=user)),
    "unassigned": (gettext_lazy("No owner yet"), lambda qs, user: qs.open().filter(owner=None)),
    "overdue": (gettext_lazy("Overdue"), lambda qs, user: qs.overdue()),
    "done": (
        gettext_lazy("Done"),
        lambda qs, user: qs.filter(status=FollowUp.Status.DONE).order_by("-done_at"),
    ),
}


@requires("callers.view_followup")
@require_GET
def follow_ups(request: HttpRequest) -> HttpResponse:
    """Everything the office must come back to, each with an owner, a due date and a status."""
    shown = request.GET.get("show", "open")
    if shown not in FOLLOW_UP_VIEWS:
        shown = "open"
    label, narrowed = FOLLOW_UP_VIEWS[shown]
    kind = request.GET.get("kind", "")
    queryset = narrowed(FollowUp.objects.for_list(), request.user)
    if kind in FollowUp.Kind.values:
        queryset = queryset.filter(kind=kind)
    page = window(queryset, request.GET.get("page"))
    return render(
        request,
        "callers/follow_ups/follow_ups.html",
        {
            "page": page,
            "shown": shown,
            "views": [(key, name) for key, (name, _) in FOLLOW_UP_VIEWS.items()],
            "kind": kind,
            "kinds": FollowUp.Kind.choices,
            "query": f"show={shown}&kind={kind}&",
        },
    )


def _follow_up_page(request, follow_up, *, assign_form=None, done_form=None, status=200):
    return render(
        request,
        "callers/follow_ups/follow_up.html",
        {
            "follow_up": follow_up,
            "may_manage": request.user.has_perm("callers.change_followup"),
            "assign_form": assign_form
            or FollowUpAssignForm(
                initial={
                    "version": follow_up.version,
                    "owner": follow_up.owner_id,
                    "due_on": follow_up.due_on,
                }
            ),
            "done_form": done_form or FollowUpDoneForm(initial={"version": follow_up.version}),
            "changes": follow_up_changes(follow_up),
        },
        status=status,
    )


def _follow_up(request: HttpRequest, pk: int) -> FollowUp:
    """A follow-up its owner, or someone who keeps the queue, may open."""
    follow_up = get_object_or_404(
        FollowUp.objects.for_list().select_related("contact_request__call", "created_by"), pk=pk
    )
    if follow_up.owner_id != request.user.pk and not request.user.has_perm("callers.view_followup"):
        raise PermissionDenied
    return follow_up


@requires(SIGNED_IN)
@require_GET
def follow_up_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One follow-up: for its owner (whatever their role) and those who keep the queue."""
    return _follow_up_page(request, _follow_up(request, pk))


@requires("callers.change_followup")
@require_POST
def follow_up_assign(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = _follow_up(request, pk)
    form = FollowUpAssignForm(request.POST)
    if form.is_valid():
        if form.run(request, services.follow_up_assign, follow_up=follow_up, by=request.user):
            messages.success(
                request, _("Given to %(owner)s.") % {"owner": form.cleaned_data["owner"]}
            )
            return redirect(follow_up)
        if form.stale:
            return redirect(follow_up)
    return _follow_up_page(request, follow_up, assign_form=form, status=400)


@requires(SIGNED_IN)
@require_POST
def follow_up_done(request: HttpRequest, pk: int) -> HttpResponse:
    """Its owner, or someone who keeps the queue, marks it done."""
    follow_up = _follow_up(request, pk)
    form = FollowUpDoneForm(request.POST)
    if form.is_valid():
        if form.run(request, services.follow_up_done, follow_up=follow_up, by=request.user):
            messages.success(request, _("Marked done."))
            return redirect(follow_up)
        if form.stale:
            return redirect(follow_up)
    return _follow_up_page(request, follow_up, done_form=form, status=400)
