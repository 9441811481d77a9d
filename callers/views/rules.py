"""Pages for the frequent-caller rules: the candidates they find (the SMT meeting's list) and
the rules themselves, which managers change (policy 5.2, 5.3)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from callers.forms.rules import CandidateFilterForm, RuleFormSet
from callers.models import (
    MatchesRefresh,
    Rule,
)
from callers.selectors import rules as selectors
from callers.services import rules as services
from opcc_calls.pagination import PER_PAGE
from opcc_calls.permissions import requires
from opcc_calls.replica import replica_reads


@requires("callers.view_flag")
@require_GET
def candidates(request: HttpRequest) -> HttpResponse:
    """Callers a rule has fired for who are not yet flagged: the SMT meeting's list, which
    can be narrowed and sorted."""
    form = CandidateFilterForm(request.GET or None)
    with replica_reads():  # a list for a meeting: a second behind is fine
        choice = form.choice() if form.is_valid() else selectors.CandidateFilter()
        number = request.GET.get("page")
        if choice.is_plain:
            page = selectors.candidate_page(number, per_page=PER_PAGE)
        else:
            page = selectors.candidate_page_filtered(choice, number, per_page=PER_PAGE)
        found = selectors.candidates(page.items)
    legend = selectors.reason_legend([candidate.reasons for candidate in found])
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "callers/rules/candidates.html",
        {
            "page": page,
            "candidates": [
                (candidate, [legend[reason] for reason in candidate.reasons]) for candidate in found
            ],
            "legend": legend,
            "form": form,
            "query": f"{query.urlencode()}&" if query else "",
        },
    )


@requires("callers.view_rule")
@require_http_methods(["GET", "POST"])
def rules(request: HttpRequest) -> HttpResponse:
    """The rules that make a caller a candidate; managers change them."""
    can_change = request.user.has_perm("callers.change_rule")
    if request.method == "POST" and not can_change:
        raise PermissionDenied
    formset = RuleFormSet(request.POST or None, queryset=Rule.objects.all())
    if request.method == "POST" and formset.is_valid():
        services.rules_save(rules=formset.save(commit=False), by=request.user)
        messages.success(
            request,
            _(
                "Rules saved. Every caller's candidates are being worked out again in the "
                "background: this page says when that is done."
            ),
        )
        return redirect("callers:rules")
    return render(
        request,
        "callers/rules/rules.html",
        {
            "formset": formset,
            "can_change": can_change,
            "rules": Rule.objects.all(),
            "refresh": MatchesRefresh.objects.select_related("requested_by").first(),
        },
    )
