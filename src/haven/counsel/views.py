"""
The counsel screens: the legal-aid directory (coordinators), a case's referrals, one referral with
its pack, and the pack's download. Thin: a selector fetches what the member may reach (404
otherwise), a form checks the input, a service writes. Bad input is shown again with status 400.
"""

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from haven.accounts.access import requires, requires_recent_second_factor
from haven.accounts.requests import HavenRequest, acting_member
from haven.accounts.routing import Routes
from haven.accounts.shortcuts import page_status, refusal_shown
from haven.cases.countries import country_name
from haven.cases.selectors import case_get
from haven.counsel import forms, pack, selectors, services
from haven.counsel.models import ExportMode, LegalPartner
from haven.organisations.policy import Permission
from haven.relocations.selectors import case_active_stay
from haven.uploads.downloads import download_headers

#: The URL table of ``haven.counsel.urls``: each view's address stands above it.
routes = Routes()


@routes.path("partners/", name="partners")
@requires(Permission.COUNSEL_DIRECTORY_MANAGE)
@require_http_methods(["GET", "POST"])
def partner_list(request: HavenRequest) -> HttpResponse:
    """The directory of legal-aid partners by host state, and the form to add one."""
    member = acting_member(request)
    form = forms.PartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusal_shown(request, form):
            services.partner_save(membership=member, **form.cleaned_data)
            messages.success(request, _("The partner is in the directory."))
            return redirect("counsel:partners")
    partners = selectors.partner_list(membership=member)
    return render(
        request,
        "counsel/partner_list.html",
        {"partners": partners, "form": form},
        status=page_status(request),
    )


@routes.path("partners/<uuid:partner_id>/", name="partner")
@requires(Permission.COUNSEL_DIRECTORY_MANAGE)
@require_http_methods(["GET", "POST"])
def partner_edit(request: HavenRequest, partner_id: uuid.UUID) -> HttpResponse:
    """Change a partner: a new key and its expiry, the contact, or take them out of use."""
    member = acting_member(request)
    partner = selectors.partner_get(membership=member, partner_id=partner_id)
    initial = {
        "name": partner.name,
        "host_state": partner.host_state,
        "contact": partner.contact,
        "age_recipient": partner.age_recipient,
        "key_expires_on": partner.key_expires_on,
        "active": partner.active,
    }
    form = forms.PartnerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with refusal_shown(request, form):
            services.partner_save(membership=member, partner=partner, **form.cleaned_data)
            messages.success(request, _("The partner was updated."))
            return redirect("counsel:partners")
    return render(
        request,
        "counsel/partner_edit.html",
        {"partner": partner, "form": form},
        status=page_status(request),
    )


def _partner_label(partner: LegalPartner) -> str:
    return f"{partner.name} ({country_name(partner.host_state)})"


@routes.path("cases/<uuid:case_id>/", name="case")
@requires(Permission.COUNSEL_REFER)
@require_http_methods(["GET", "POST"])
def case_referrals(request: HavenRequest, case_id: uuid.UUID) -> HttpResponse:
    """A case's referrals to counsel, and the form for a new one with its pack chosen item by item."""
    member = acting_member(request)
    case = case_get(membership=member, case_id=case_id)
    stay = case_active_stay(membership=member, case=case)
    host_state = stay.host_country if stay else ""
    # Counsel in the state where the defender is staying come first: a claim is made there.
    partners = sorted(
        selectors.partners_to_refer_to(membership=member),
        key=lambda partner: partner.host_state != host_state,
    )
    consents = selectors.referral_consents(membership=member, case=case)
    choices = pack.available_choices(case)
    form = forms.ReferralForm(
        request.POST or None,
        initial={"submission_token": uuid.uuid4()},
        partners=[(str(partner.pk), _partner_label(partner)) for partner in partners],
        consents=[
            (
                str(consent.pk),
                _("Given on %(date)s") % {"date": (consent.details or {}).get("given_on")},
            )
            for consent in consents
        ],
        items=[(choice.key, choice.label) for choice in choices],
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal_shown(request, form):
            referral = services.referral_create(
                membership=member,
                case=case,
                partner=selectors.referral_partner(membership=member, partner_id=data["partner"]),
                consent_id=uuid.UUID(data["consent"]) if data["consent"] else None,
                referred_on=data["referred_on"],
                items_agreed_on=data["items_agreed_on"],
                item_keys=data["items"],
                note=data["note"],
                submission_token=data["submission_token"],
            )
            messages.success(request, _("The referral is recorded. Export the pack below."))
            return redirect("counsel:referral", counsel_referral_id=referral.pk)
    context: dict[str, Any] = {
        "case": case,
        "form": form,
        "referrals": selectors.referrals_of_case(membership=member, case=case),
        "has_partners": bool(partners),
        "has_consent": bool(consents),
        "stay_host_state": host_state,
        "no_partner_there": bool(host_state)
        and not any(partner.host_state == host_state for partner in partners),
    }
    return render(request, "counsel/case_referrals.html", context, status=page_status(request))


def _referral_page(
    request: HavenRequest, counsel_referral_id: uuid.UUID, *, form: Any = None, status: int = 200
) -> HttpResponse:
    member = acting_member(request)
    referral = selectors.referral_get(membership=member, referral_id=counsel_referral_id)
    page = selectors.referral_page(membership=member, referral=referral)
    context = {
        "page": page,
        "referral": referral,
        "case": referral.case,
        "partner": referral.partner,
        "key_expired": referral.partner.key_expired(),
        "export_form": form or forms.ExportForm(),
        "consent_live": services.live_referral_consent(referral.case, referral.consent_id)
        is not None,
    }
    return render(request, "counsel/referral_detail.html", context, status=status)


@routes.path("referrals/<uuid:counsel_referral_id>/", name="referral")
@requires(Permission.COUNSEL_REFER)
def referral_detail(request: HavenRequest, counsel_referral_id: uuid.UUID) -> HttpResponse:
    """One referral: counsel, date, consent, what was chosen, what was sent and when."""
    return _referral_page(request, counsel_referral_id)


@routes.path("referrals/<uuid:counsel_referral_id>/export/", name="export")
@requires(Permission.COUNSEL_REFER)
@requires_recent_second_factor(return_to="counsel:referral")
@require_http_methods(["GET", "POST"])
def pack_export(request: HavenRequest, counsel_referral_id: uuid.UUID) -> HttpResponse:
    """
    The pack, age-encrypted, as a download that is never cached and never kept on the server.
    Only a POST exports; a GET (a reload, a shared link) goes back to the referral page.
    """
    member = acting_member(request)
    referral = selectors.referral_get(membership=member, referral_id=counsel_referral_id)
    if request.method != "POST":
        return redirect("counsel:referral", counsel_referral_id=referral.pk)
    form = forms.ExportForm(request.POST)
    if not form.is_valid():
        return _referral_page(request, counsel_referral_id, form=form, status=400)
    with refusal_shown(request, form):
        exported = services.pack_export(
            membership=member,
            referral=referral,
            mode=form.cleaned_data["mode"],
            passphrase=form.cleaned_data["passphrase"]
            if form.cleaned_data["mode"] == ExportMode.PASSPHRASE
            else "",
        )
        headers = download_headers(
            exported.file_name, "application/octet-stream", size=len(exported.data)
        )
        return HttpResponse(exported.data, headers=headers)
    return _referral_page(request, counsel_referral_id, form=form, status=400)


@routes.path("items/<uuid:pack_item_id>/withdraw/", name="item_withdraw")
@requires(Permission.COUNSEL_REFER)
@require_POST
def item_withdraw(request: HavenRequest, pack_item_id: uuid.UUID) -> HttpResponse:
    """The defender withdrew consent to share one item: later exports leave it out."""
    member = acting_member(request)
    item = selectors.item_get(membership=member, item_id=pack_item_id)
    with refusal_shown(request):
        services.item_consent_withdraw(membership=member, item=item)
        messages.success(request, _("Consent for this item is withdrawn: it will not be sent."))
    return redirect("counsel:referral", counsel_referral_id=item.referral_id)
