"""The app's own settings, as production runs them, with the two floor pages added: the bench
serves exactly what an office serves, plus `bench/floor/...` to compare it with."""

from opcc_calls.settings import *  # noqa: F403
from opcc_calls.settings import BASE_DIR, TEMPLATES

ROOT_URLCONF = "bench.urls"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]
