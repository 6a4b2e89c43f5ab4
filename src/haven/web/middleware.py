"""Response headers that every page needs and no view should have to remember."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control


class PrivateResponseMiddleware:
    """
    Keep authenticated pages out of every cache (WEB-05) and drop the server banner (WEB-06).

    A seized laptop must not hold case pages in its browser cache, so any response to a signed-in
    user is ``no-store``. Static files are exempt: they hold nothing about anyone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or "text/html" in response.get(
            "Content-Type", ""
        ):
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        if "Server" in response:
            del response["Server"]
        return response
