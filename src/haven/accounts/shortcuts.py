"""
What every app's views share beside ``django.shortcuts``: how a refused write is shown.

A view parses a form, calls one service and redirects; the service refuses with an
``ApplicationError`` whose message the member reads. Written out, that is a ``try / except /
else`` block of six lines in every view that writes; ``refusal_shown`` says it once:

    with refusal_shown(request, form):
        stay = services.stay_open(membership=member, ...)
        messages.success(request, _("Offer accepted: the stay is open."))
        return redirect("relocations:detail", stay_id=stay.pk)
    return render(request, "relocations/stay_open.html", {...}, status=page_status(request))

It lives in ``accounts``, the lowest layer that knows about requests, so every app can import it.
Errors that are not refusals (a bug, a vault failure) still propagate and answer 500. A form sent
twice is no refusal: ``shown_as_warning`` tells the member and lets the view go on as if saved.
A button that runs one service on one record (approve, withdraw, shred) is ``RecordActions``.
"""

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.contrib import messages
from django.http import HttpRequest, HttpResponse

from haven.accounts.requests import HavenRequest, acting_member
from haven.organisations.errors import ApplicationError
from haven.organisations.models import Membership

Record = TypeVar("Record")


@contextmanager
def refusal_shown(
    request: HttpRequest, form: Any = None, *, field: str | None = None
) -> Iterator[None]:
    """
    Run the block; if a service refuses (``ApplicationError``), nothing more of the block runs and
    its reason is shown: on ``form`` (under ``field``, or above the fields) when there is one, else
    as an error message for the page the view goes back to. The view carries on after the block.
    """
    try:
        yield
    except ApplicationError as error:
        if form is None:
            messages.error(request, str(error))
        else:
            form.add_error(field, str(error))


@contextmanager
def shown_as_warning(request: HttpRequest, *errors: type[Exception]) -> Iterator[None]:
    """
    Run the block; one of ``errors`` ends it with its message shown as a warning, and the view
    carries on after the block as if the write went through. For a form sent twice
    (``DuplicateSubmissionError``): the first send saved it, so the view goes where a success goes.
    """
    try:
        yield
    except errors as warning:
        messages.warning(request, str(warning))


def page_status(request: HttpRequest) -> int:
    """
    The status of a form page: 400 when it answers a POST (the form came back with what to fix,
    nothing saved, since a saved form redirects), else 200.
    """
    return 400 if request.method == "POST" else 200


@dataclass(frozen=True)
class RecordActions(Generic[Record]):
    """
    The buttons of one kind of record's page, each a POST that runs one service on the record.
    Every one loads the record the same way (``load(member, record_id)``, through its selector:
    404 for what the member may not see), passes it to the service as ``keyword`` and goes
    ``back`` to the record's page with ``done`` or the service's refusal shown. One instance per
    kind of record; a view then says only which service and what to tell:

        _on_erasure = RecordActions(
            load=lambda member, pk: selectors.erasure_get(membership=member, erasure_id=pk),
            keyword="erasure",
            back=lambda erasure: redirect("cases:erasure", erasure_id=erasure.pk),
        )
        ...
        return _on_erasure.act(request, erasure_id, services.case_erasure_decline, done)
    """

    load: Callable[[Membership, uuid.UUID], Record]
    keyword: str
    back: Callable[[Record], HttpResponse]

    def act(
        self,
        request: HavenRequest,
        record_id: uuid.UUID,
        service: Callable[..., Any],
        done: str | Callable[[Any], str],
    ) -> HttpResponse:
        """
        Run ``service(membership=..., <keyword>=record)``, then back to the record's page with its
        refusal, or ``done``: a sentence, or one made from what the service returned (a count).
        """
        member = acting_member(request)
        record = self.load(member, record_id)
        with refusal_shown(request):
            result = service(membership=member, **{self.keyword: record})
            messages.success(request, done(result) if callable(done) else done)
        return self.back(record)
