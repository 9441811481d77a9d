"""gunicorn's settings for OPCC Calls (`gunicorn opcc_calls.wsgi`, README: Production).

Access logs record the path without its query string, so no search term, token or filter
ever reaches a log; the proxy whose X-Forwarded-* headers are believed is named on purpose.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# On two cores, two sync workers beat more for database-bound pages (bench/).
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
# A stuck worker is replaced; no request should come near this (queries stop at 5 s).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# Only this proxy's X-Forwarded-Proto and X-Forwarded-For are believed; none unless set.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
# %(U)s is the path alone: %(r)s or %(q)s would put query strings (and so tokens) in the log.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
# gunicorn's control socket (`gunicornc`) would sit in the user's home, one path for every
# instance that user runs (two offices on one server, or a release beside the old one): off,
# unless an instance names a path of its own.
control_socket_disable = not os.environ.get("GUNICORN_CONTROL_SOCKET")
if not control_socket_disable:
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
