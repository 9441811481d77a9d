"""Logs hold paths and record numbers, never names, numbers or what someone said.

Our own log calls pass ids only. What could still carry personal data is an exception's
message: a database error quotes the row it refused, a ValueError quotes the text it could
not read. This filter keeps the traceback (where it happened) and the exception's type, and
withholds every message, chained exceptions' included, except those of the infrastructure
(OPERATIONAL): a database or mail server refusing or timing out says which server and why,
never what anyone typed, and without it a wrong DATABASE_URL or EMAIL_HOST cannot be found.
"""

import logging
import smtplib
import socket
import sqlite3
import ssl
import traceback

import psycopg
from django.db import OperationalError as DatabaseUnavailable

WITHHELD = "(message withheld: it may hold personal data)"

#: Errors reaching a server, logged with their messages. Not errors about data: an integrity
#: or data error quotes the row, a refused recipient the address, a file error its path.
OPERATIONAL = (
    ConnectionError,
    TimeoutError,
    socket.gaierror,
    ssl.SSLError,
    smtplib.SMTPConnectError,
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPAuthenticationError,
    psycopg.OperationalError,
    sqlite3.OperationalError,
    DatabaseUnavailable,
)


def _describe(error: BaseException) -> list[str]:
    lines = []
    cause = error.__cause__ or (None if error.__suppress_context__ else error.__context__)
    if cause is not None:
        lines += _describe(cause)
        lines.append("\nThe above led to:\n\n")
    lines.append("Traceback (most recent call last):\n")
    lines += traceback.format_tb(error.__traceback__)
    kind = type(error)
    said = f": {error}" if isinstance(error, OPERATIONAL) else f" {WITHHELD}"
    lines.append(f"{kind.__module__}.{kind.__qualname__}{said}\n")
    return lines


class WithholdExceptionMessages(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = "".join(_describe(record.exc_info[1])).rstrip("\n")
        return True
