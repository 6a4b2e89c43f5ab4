"""Response headers that every page needs and no view should have to remember."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control


class PrivateResponseMiddleware:
    """
    Keep authenticated pages out of every cache (WEB-05) and drop the server banner (WEB-06).

    A seized laptop must not hold case pages in its browser cache, so any response to a signed-in
    user is ``no-store``, and so is every API answer. Static files are exempt: they hold nothing
    about anyone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        content_type = response.get("Content-Type", "")
        signed_in = user is not None and user.is_authenticated
        # Pages, and the JSON API whose callers are identified by token rather than session.
        if signed_in or "text/html" in content_type or "application/json" in content_type:
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        if "Server" in response:
            del response["Server"]
        return response
