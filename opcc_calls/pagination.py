"""Paging through very long lists without counting them: a COUNT over two million calls
costs more than the page itself, so a page fetches one row extra to know if another follows."""

import re
from dataclasses import dataclass

#: Rows on a page of a list (candidates, flags, meetings, follow-ups) unless it says otherwise.
PER_PAGE = 25


@dataclass(frozen=True)
class Window:
    items: list
    number: int
    per_page: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.items else 0

    @property
    def end_index(self) -> int:
        return (self.number - 1) * self.per_page + len(self.items)

    def __iter__(self):
        return iter(self.items)


#: Further than anyone pages: a number past it (or '²', or 2**64) is page 1, never a 500.
LAST_PAGE = 100_000


def page_number(page: str | None) -> int:
    """The page asked for, from a query string anyone can type into."""
    if page and re.fullmatch(r"[0-9]{1,6}", page) and 0 < int(page) <= LAST_PAGE:
        return int(page)
    return 1


def window(queryset, page: str | None, *, per_page: int = 50) -> Window:
    number = page_number(page)
    offset = (number - 1) * per_page
    rows = list(queryset[offset : offset + per_page + 1])
    return Window(
        items=rows[:per_page], number=number, per_page=per_page, has_next=len(rows) > per_page
    )
