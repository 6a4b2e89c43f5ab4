"""
``{% translate %}`` (and its old name ``{% trans %}``) for the pages that render many of them,
loaded after Django's library: ``{% load i18n haven_i18n %}``.

A literal message (``{% translate "Threats" %}``, with or without ``as name``) is translated
directly: Django's node makes a lazy string of it on every render, sends it through the variable
machinery (filters, localisation, escaping) and only then asks the catalogue, about 9 µs a tag
where the translation itself is under 3 (issue 17: the case page has some seventy). The text is
exactly Django's: the message with its percent signs doubled as ``makemessages`` extracts it,
translated in the active language, marked safe as Django marks a literal's translation, its
percent signs restored. Anything else (a variable, ``noop``, ``context``, a filter) is Django's
own node. The tag keeps its name, so ``makemessages`` still extracts every message.
"""

from django import template
from django.template.base import Node, Parser, Token
from django.templatetags import i18n
from django.utils.safestring import SafeString
from django.utils.translation import gettext

register = template.Library()


class LiteralTranslateNode(Node):
    """A ``{% translate "literal" %}``: the literal translated on each render, nothing else."""

    child_nodelists = ()

    def __init__(self, message: str, asvar: str | None) -> None:
        # As Django's ``Variable`` asks the catalogue: percent signs doubled.
        self.msgid = message.replace("%", "%%")
        self.asvar = asvar

    def render(self, context: template.Context) -> SafeString | str:
        # Marked safe as Django marks a literal's translation: a template's own text is trusted.
        value = SafeString(gettext(self.msgid).replace("%%", "%"))
        if self.asvar:
            context[self.asvar] = value
            return ""
        return value


def _literal(node: i18n.TranslateNode) -> str | None:
    """The node's message when it is a plain literal Django would only translate, else None."""
    expression = node.filter_expression
    variable = expression.var
    if node.noop or node.message_context is not None or expression.filters:
        return None
    if getattr(variable, "lookups", True) is not None or not isinstance(variable.literal, str):
        return None
    return str(variable.literal)


@register.tag("translate")
@register.tag("trans")
def do_translate(parser: Parser, token: Token) -> Node:
    """Django's ``translate`` tag, parsed by Django; a literal message rendered directly."""
    node = i18n.do_translate(parser, token)
    message = _literal(node)
    if message is None:
        return node
    return LiteralTranslateNode(message, node.asvar)
