"""The address a citizen's request came from, for throttles (tax sign-in codes, claiming a report)."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """Behind `MUANG_PROXY_COUNT` trusted reverse proxies it is the address the outermost of them saw
    (X-Forwarded-For, counted from the right; the left part is the client's own claim and could be forged);
    otherwise the connection's."""
    proxies = settings.AXES_IPWARE_PROXY_COUNT
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(forwarded) >= proxies:
            candidate = forwarded[-proxies]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                pass
    return request.META.get("REMOTE_ADDR") or None
