"""Response headers every page needs, and the request-size limit that runs before everything else."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _

REQUEST_TOO_LARGE = _(
    "The request is too large. Files can be up to 20 MB; nothing was received or saved."
)


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
            # ``no-cache, no-store, must-revalidate, private`` and ``max-age=0``: Django's own
            # set includes ``no-store`` and ``private``, so nothing needs patching after it.
            add_never_cache_headers(response)
        if "Server" in response:
            del response["Server"]
        return response


class RequestBodyLimitMiddleware:
    """
    Answer 413 to a request whose declared body exceeds ``HAVEN_MAX_REQUEST_BYTES`` (UPL-01).

    It runs first, before the CSRF check or a view reads ``request.POST``, so an oversized body is
    refused from its ``Content-Length`` alone: not a byte of it is read, buffered or spooled.
    A body without a length is never read by Django at all.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > settings.HAVEN_MAX_REQUEST_BYTES:
            # LocaleMiddleware has not run yet: choose the language here, or the message would
            # be in whichever language this thread served last.
            with translation.override(translation.get_language_from_request(request)):
                message = str(REQUEST_TOO_LARGE)
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
