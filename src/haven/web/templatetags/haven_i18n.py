"""
``{% translate %}`` (and its old name ``{% trans %}``) for the pages that render many of them,
loaded after Django's library: ``{% load i18n haven_i18n %}``.

A literal message (``{% translate "Threats" %}``, with or without ``as name``) is looked up in the
catalogue directly: Django's node makes a lazy string of it on every render, sends it through the
variable machinery (filters, localisation, escaping) and then asks ``gettext``, which finds the
active language through a per-request local on every call; some 9 µs a tag where the lookup
itself is under one (issue 17: the case page has some seventy). Here the active catalogue is
found once per template render, as ``gettext`` would find it, and each literal is looked up in it.
The text is exactly Django's: the message with its percent signs doubled as ``makemessages``
extracts it, translated, marked safe as Django marks a literal's translation, its percent signs
restored. Anything else (a variable, ``noop``, ``context``, a filter, an empty message) is
Django's own node. The tag keeps its name, so ``makemessages`` still extracts every message.

``{% blocktranslate %}`` likewise: Django's node writes its message out of the block's tokens and
asks ``gettext`` (or ``ngettext``) on every render, some 15-30 µs a sentence. Here the message is
written once, when the template is parsed, and looked up in the render's catalogue; the values
are resolved and written exactly as Django writes them (the reader's digits included, see
``reading.install``). A sentence with a context, or whose message is empty, is Django's own node.

``{% language %}`` is Django's, but forgets the catalogue found for its block, whose language is
another: a library that remembers the language must be told when it changes.
"""

import decimal
import gettext as gettext_module
from typing import Any

from django import template
from django.conf import settings
from django.template.base import Node, Parser, Token
from django.templatetags import i18n
from django.utils import translation
from django.utils.safestring import SafeString
from django.utils.translation import trans_real

register = template.Library()

#: Where a template render keeps the catalogue it found (its ``render_context``, one per render
#: of one template, included ones too).
_CATALOGUE = "haven_i18n.catalogue"

_UNTRANSLATED = gettext_module.NullTranslations()


def active_catalogue() -> Any:
    """
    What ``gettext`` asks now: the active translation (per thread and request), the default
    language's when none is active, no translation at all without ``USE_I18N``.
    """
    if not settings.USE_I18N:
        return _UNTRANSLATED
    active = getattr(trans_real._active, "value", None)  # type: ignore[attr-defined]
    return active if active is not None else trans_real.translation(settings.LANGUAGE_CODE)


class LiteralTranslateNode(Node):
    """A ``{% translate "literal" %}``: the literal looked up in the render's catalogue."""

    child_nodelists = ()

    def __init__(self, message: str, asvar: str | None) -> None:
        # As Django's ``Variable`` and ``gettext`` ask the catalogue: percent signs doubled, line
        # ends as gettext writes them.
        self.msgid = message.replace("%", "%%").replace("\r\n", "\n").replace("\r", "\n")
        self.asvar = asvar

    def render(self, context: template.Context) -> SafeString | str:
        catalogue = context.render_context.get(_CATALOGUE)
        if catalogue is None:
            catalogue = context.render_context[_CATALOGUE] = active_catalogue()
        # Marked safe as Django marks a literal's translation: a template's own text is trusted.
        value = SafeString(catalogue.gettext(self.msgid).replace("%%", "%"))
        if self.asvar:
            context[self.asvar] = value
            return ""
        return value


def _render_catalogue(context: template.Context) -> Any:
    """The catalogue this template render found, found now if it has not yet."""
    catalogue = context.render_context.get(_CATALOGUE)
    if catalogue is None:
        catalogue = context.render_context[_CATALOGUE] = active_catalogue()
    return catalogue


class SentenceNode(i18n.BlockTranslateNode):
    """
    A ``{% blocktranslate %}`` without a context: its message (and plural) written once, from the
    block's tokens as Django writes them, then rendered as Django's node renders it.
    """

    def __init__(self, node: i18n.BlockTranslateNode) -> None:
        super().__init__(
            node.extra_context,
            node.singular,
            node.plural,
            node.countervar,
            node.counter,
            node.message_context,
            node.trimmed,
            node.asvar,
            node.tag_name,  # type: ignore[attr-defined]
        )
        singular, self.singular_vars = self.render_token_list(self.singular)
        # ``gettext`` asks the catalogue with gettext's line ends; ``ngettext`` as it is given.
        self.singular_msgid = singular.replace("\r\n", "\n").replace("\r", "\n")
        self.counted = bool(self.plural and self.countervar and self.counter)
        if self.counted:
            self.plural_msgid, plural_vars = self.render_token_list(self.plural)
            self.counted_singular = singular
            self.all_vars = [*self.singular_vars, *plural_vars]

    def render(self, context: template.Context, nested: bool = False) -> str:
        if nested:
            return str(super().render(context, nested=True))
        # Update() works like a push(); its pop() follows the values' rendering, as Django's.
        context.update({var: val.resolve(context) for var, val in self.extra_context.items()})
        catalogue = _render_catalogue(context)
        if self.counted:
            count = self.counter.resolve(context)  # type: ignore[union-attr]
            if not isinstance(count, (decimal.Decimal, float, int)):
                context.pop()
                raise template.TemplateSyntaxError(
                    f"{self.countervar!r} argument to {self.tag_name!r} tag must be a number."  # type: ignore[attr-defined]
                )
            context[self.countervar] = count  # type: ignore[index]
            result = catalogue.ngettext(self.counted_singular, self.plural_msgid, count)
            names = self.all_vars
        else:
            result = catalogue.gettext(self.singular_msgid)
            names = self.singular_vars
        default_value = context.template.engine.string_if_invalid  # type: ignore[union-attr]
        # Looked up at each render: ``reading.install`` wraps it to write the reader's digits.
        render_value_in_context = i18n.render_value_in_context  # type: ignore[attr-defined]
        data = {}
        for name in names:
            if name in context:
                value = context[name]
            else:
                value = default_value % name if "%s" in default_value else default_value
            data[name] = render_value_in_context(value, context)
        context.pop()
        try:
            result %= data
        except (KeyError, ValueError):
            with translation.override(None):
                result = super().render(context, nested=True)
        if self.asvar:
            context[self.asvar] = SafeString(result)
            return ""
        return str(result)


@register.tag("blocktranslate")
@register.tag("blocktrans")
def do_block_translate(parser: Parser, token: Token) -> Node:
    """Django's ``blocktranslate`` tag, parsed by Django; a sentence without context written once."""
    node = i18n.do_block_translate(parser, token)
    sentence = SentenceNode(node)
    if node.message_context is not None or not sentence.singular_msgid:
        return node
    return sentence


def _literal(node: i18n.TranslateNode) -> str | None:
    """The node's message when it is a plain literal Django would only translate, else None."""
    expression = node.filter_expression
    variable = expression.var
    if node.noop or node.message_context is not None or expression.filters:
        return None
    if getattr(variable, "lookups", True) is not None or not isinstance(variable.literal, str):
        return None
    return str(variable.literal) or None


@register.tag("translate")
@register.tag("trans")
def do_translate(parser: Parser, token: Token) -> Node:
    """Django's ``translate`` tag, parsed by Django; a literal message looked up directly."""
    node = i18n.do_translate(parser, token)
    message = _literal(node)
    if message is None:
        return node
    return LiteralTranslateNode(message, node.asvar)


class LanguageNode(i18n.LanguageNode):
    """Django's ``{% language %}`` block, its literals looked up in its own language's catalogue."""

    def render(self, context: template.Context) -> str:
        outer = context.render_context.get(_CATALOGUE)
        context.render_context[_CATALOGUE] = None
        try:
            return str(super().render(context))
        finally:
            context.render_context[_CATALOGUE] = outer


@register.tag
def language(parser: Parser, token: Token) -> Node:
    """Django's ``language`` tag, parsed by Django."""
    node = i18n.language(parser, token)
    return LanguageNode(node.nodelist, node.language)
