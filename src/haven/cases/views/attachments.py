"""
Attachments: uploaded to a case and downloaded.
"""

import uuid

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from haven.accounts.access import requires
from haven.accounts.requests import HavenRequest
from haven.accounts.requests import acting_member as _member
from haven.cases import forms, selectors, services
from haven.cases.errors import CaseError
from haven.cases.views.case_page import case_form_page
from haven.cases.views.common import _case_url, routes
from haven.organisations.policy import Permission
from haven.uploads import DEFAULT_MAX_BYTES, RejectionCode, UploadRejected, download_headers

UPLOAD_TITLE = gettext_lazy("Upload a file")
UPLOAD_BUTTON = gettext_lazy("Upload")


@routes.path("<uuid:case_id>/attachments/new/", name="attachment_add")
@requires(Permission.CASE_EDIT)
@require_http_methods(["GET", "POST"])
def attachment_add(request: HavenRequest, case_id: uuid.UUID) -> HttpResponse:
    """
    Upload evidence: the form on GET (its own page, so the case page renders no upload form);
    on POST checked by content, cleaned, encrypted; refusals say why.
    """
    membership = _member(request)
    case = selectors.case_get(membership=membership, case_id=case_id)
    if request.method != "POST":
        form = forms.AttachmentForm()
        return case_form_page(
            request, case, form, title=UPLOAD_TITLE, button=UPLOAD_BUTTON, multipart=True
        )
    form = forms.AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload. Nothing was saved."))
        return redirect(_case_url(case.pk))
    upload = form.cleaned_data["file"]
    if upload.size > DEFAULT_MAX_BYTES:
        messages.error(request, str(UploadRejected(RejectionCode.TOO_LARGE)))
        return redirect(_case_url(case.pk))
    try:
        services.attachment_add(
            membership=membership, case=case, name=upload.name, data=upload.read()
        )
        messages.success(request, _("File cleaned, encrypted and added."))
    except (UploadRejected, CaseError) as error:
        messages.error(request, str(error))
    return redirect(_case_url(case.pk))


@routes.path("attachments/<uuid:attachment_id>/", name="attachment")
@requires(Permission.CASE_VIEW)
def attachment_download(request: HavenRequest, attachment_id: uuid.UUID) -> HttpResponse:
    """Send a file as an attachment with a sandbox CSP, never inline (UPL-06)."""
    membership = _member(request)
    attachment = selectors.attachment_get(membership=membership, attachment_id=attachment_id)
    content = services.attachment_read(membership=membership, attachment=attachment)
    headers = download_headers(
        attachment.name or "download", attachment.media_type, size=len(content)
    )
    return HttpResponse(content, headers=headers)
