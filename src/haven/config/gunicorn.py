"""
gunicorn's configuration for Haven: ``gunicorn -c python:haven.config.gunicorn haven.config.wsgi``.

gunicorn writes ``Server: gunicorn`` into every response itself, after the application has
answered, and has no setting to turn it off; Django cannot remove a header it never sees. The
banner tells an attacker which server and parser sit behind the proxy (WEB-06), so the response
class gunicorn builds is replaced by one that leaves the header out. The sync worker looks the
class up in ``gunicorn.http.wsgi`` for every request, which is why replacing it there works;
``tests/deploy/test_gunicorn.py`` runs a real gunicorn to prove it.

gunicorn 25.1 and later also open a control socket (``gunicornc``: worker counts, reloads,
shutdown) at one path per user account, ``$XDG_RUNTIME_DIR/gunicorn.ctl``. Haven is managed by
systemd and never uses it, so it is turned off: one management interface less on the host, and
two gunicorns run by one account (the demo beside the test suite, say) no longer replace each
other's socket.

Each worker freezes the objects it built while loading the application (``post_worker_init``):
they live as long as the worker, and the collector then leaves them out of every later
collection instead of walking the framework's objects again whenever a busy page triggers one.
"""

import gc

from gunicorn.http import wsgi


class ResponseWithoutBanner(wsgi.Response):  # type: ignore[misc]
    """gunicorn's response, minus the ``Server`` line of its default headers."""

    def default_headers(self) -> list[str]:
        return [line for line in super().default_headers() if not line.startswith("Server:")]


wsgi.Response = ResponseWithoutBanner

#: Read by gunicorn from this module, as its ``--no-control-socket`` option.
control_socket_disable = True


def post_worker_init(worker: object) -> None:
    """
    Move everything the worker has built so far (Django, Haven's modules, the URL and template
    machinery imported with the application) out of the collector's reach: they live as long as
    the process, and without this every full collection a request triggers walks all of them
    again, so a page that allocates many objects pays for the whole framework each time.
    """
    gc.freeze()
