"""The API's page-number pagination, once for every router: a bounded page number and a page size that holds.

ninja's own accepts any page, and `page=99999999999999999999` became an OFFSET past PostgreSQL's bigint: a 500.
A page past the last one is simply empty; a page number no data could ever reach is a 422 naming `page`.
ninja's paginator also sets its page size in `__init__`, so a `page_size` class attribute on a subclass was
silently ignored (every list came 100 at a time): the size is passed to `paginated` instead.
"""

from collections.abc import Callable
from typing import Any

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination, paginate

MAX_PAGE = 1_000_000
MAX_PAGE_SIZE = 1000
DEFAULT_PAGE_SIZE = 50


class Page(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE)

    def __init__(self, page_size: int = DEFAULT_PAGE_SIZE, **kwargs: Any) -> None:
        super().__init__(page_size=page_size, max_page_size=MAX_PAGE_SIZE, **kwargs)


def paginated(page_size: int = DEFAULT_PAGE_SIZE) -> Callable:
    """`@paginated()` on a list operation: `?page=` and `?page_size=` (default `page_size`), answered as
    `{"items": [...], "count": n}`."""
    return paginate(Page, page_size=page_size)
