"""The price tables' pager keeps the search, URL-encoded (a key typed with '&' or '#' would cut the link short)."""

from django.core.paginator import Paginator
from django.template.loader import render_to_string


def test_the_pager_links_carry_the_search_encoded():
    page = Paginator(list(range(120)), 50).page(2)
    html = render_to_string(
        "property/office/_year_tables.html", {"table": "land", "q": "A&B #1", "page": page}
    )
    assert 'href="?table=land&q=A%26B%20%231&page=1"' in html
    assert 'href="?table=land&q=A%26B%20%231&page=3"' in html
