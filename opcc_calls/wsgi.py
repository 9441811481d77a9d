"""WSGI entry point, served by gunicorn in production (gunicorn.conf.py)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opcc_calls.settings")
# Served pages: a database query that runs past 5 seconds is cancelled rather than holding a
# worker (README: Production). Set DATABASE_STATEMENT_TIMEOUT_MS to change it.
os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT_MS", "5000")

application = get_wsgi_application()
