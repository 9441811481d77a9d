"""The floors every result is compared with: what the least a signed-in page can cost here is
(the same middleware, session and sign-in as every page, one query by primary key), first with
a tiny template, then on the base layout every page of the app uses."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from callers.models import Caller


def _caller(pk: int) -> Caller:
    caller = Caller.objects.only("full_name").filter(pk=pk).first()
    if caller is None:
        raise Http404
    return caller


def tiny(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "bench/floor_tiny.html", {"caller": _caller(pk)})


def layout(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "bench/floor_layout.html", {"caller": _caller(pk)})
