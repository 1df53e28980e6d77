"""The API's page-number pagination with a bounded page number.

ninja's own accepts any page, and `page=99999999999999999999` became an OFFSET past PostgreSQL's bigint: a 500.
A page past the last one is simply empty; a page number no data could ever reach is a 422 naming `page`.
"""

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

MAX_PAGE = 1_000_000


class Page(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=1000)
