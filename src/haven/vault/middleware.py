"""Open one key ring per request, so each key is unwrapped at most once and dropped afterwards."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from haven.vault.keyring import keyring_scope


class KeyRingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with keyring_scope():
            return self.get_response(request)
