"""The floors every result is compared with: what the least a signed-in page can cost here is
(the same middleware, session and sign-in as every page, one query by primary key), first with
a tiny template, then on the base layout every page of the app uses; and the least a form's
POST can cost (the same checks, one row inserted and committed, a redirect), to set logging a
call beside."""

from django.db import connection, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from callers.models import Caller

#: The table the commit floor writes to (run.py makes it, empty, before each run).
COMMIT_TABLE = "bench_floor_commit"


def _caller(pk: int) -> Caller:
    caller = Caller.objects.only("full_name").filter(pk=pk).first()
    if caller is None:
        raise Http404
    return caller


def tiny(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "bench/floor_tiny.html", {"caller": _caller(pk)})


def layout(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "bench/floor_layout.html", {"caller": _caller(pk)})


@require_POST
def commit(request: HttpRequest) -> HttpResponse:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {COMMIT_TABLE} (token) VALUES (%s) RETURNING id",  # noqa: S608
            [request.POST.get("submission_token", "")],
        )
        row = cursor.fetchone()[0]
    return redirect("bench_floor_tiny", pk=row)
