"""Logs hold paths and record numbers, never names, numbers or what someone said.

Our own log calls pass ids only. What could still carry personal data is an exception's
message: a database error quotes the row it refused, a ValueError quotes the text it could
not read. This filter keeps the traceback (where it happened) and the exception's type, and
withholds every message, chained exceptions' included.
"""

import logging
import traceback

WITHHELD = "(message withheld: it may hold personal data)"


def _describe(error: BaseException) -> list[str]:
    lines = []
    cause = error.__cause__ or (None if error.__suppress_context__ else error.__context__)
    if cause is not None:
        lines += _describe(cause)
        lines.append("\nThe above led to:\n\n")
    lines.append("Traceback (most recent call last):\n")
    lines += traceback.format_tb(error.__traceback__)
    kind = type(error)
    lines.append(f"{kind.__module__}.{kind.__qualname__} {WITHHELD}\n")
    return lines


class WithholdExceptionMessages(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = "".join(_describe(record.exc_info[1])).rstrip("\n")
        return True
