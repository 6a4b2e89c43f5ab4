"""The portal's part of the case page: the defender's message thread and the reply form."""

from typing import Any

from django import template

from haven.portal.forms import TeamMessageForm
from haven.portal.selectors import case_has_portal_referral, case_messages

register = template.Library()


@register.inclusion_tag("portal/_case_messages.html", takes_context=True)
def portal_messages(context: Any, case: Any) -> dict[str, Any]:
    """Render the thread for members who may see the case; nothing when no referral led to it."""
    request = context["request"]
    membership = getattr(request, "membership", None)
    if not case_has_portal_referral(case):
        return {"show": False}
    return {
        "show": True,
        "case": case,
        "thread": case_messages(membership=membership, case=case),
        "form": TeamMessageForm(),
        "csrf_token": context.get("csrf_token"),
        "haven_permissions": context.get("haven_permissions", set()),
        "Permission": context.get("Permission"),
    }
