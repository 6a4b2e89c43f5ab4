"""Template filters of the counsel screens."""

from django import template

from haven.cases.countries import country_name

register = template.Library()


@register.filter(name="country")
def country(code: object) -> str:
    """A host state's name in the reader's language, from its ISO code."""
    return country_name(code)
