"""Every URL the app serves, and the floors: a signed-in page that runs one indexed query and
renders (a) a tiny template, (b) a page on the project's base layout, and a POST that commits
one row and redirects."""

from django.urls import path

from bench import floor
from opcc_calls.urls import urlpatterns as app

urlpatterns = [
    path("bench/floor/tiny/<int:pk>/", floor.tiny, name="bench_floor_tiny"),
    path("bench/floor/layout/<int:pk>/", floor.layout, name="bench_floor_layout"),
    path("bench/floor/commit/", floor.commit, name="bench_floor_commit"),
    *app,
]
