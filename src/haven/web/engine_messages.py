"""
Engine reasons in the reader's language.

The engines (``haven.domain``) write English and never import Django; a reason made from a
``haven.domain.messages.MessageTemplate`` also carries its template and parameters. Its English
template is a msgid in the Django catalogues (marked with the domain's ``gettext_noop``), so this
module only looks it up in the active language and fills in the parameters, translating any
parameter that is itself a message. A plain string (a reason not keyed yet) is shown as written.
"""

from django.utils.translation import gettext

from haven.domain.messages import Message


def translate(reason: str) -> str:
    """The reason in the active language, or as written when it carries no message key."""
    if not isinstance(reason, Message):
        return reason
    template = gettext(reason.template.text)
    if not reason.params:
        return template
    return template % {name: translate(value) for name, value in reason.params.items()}
