"""Template filters for showing facts documents: a section by name and values in plain text."""

from collections.abc import Mapping
from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    """Return ``mapping[key]`` or None: templates cannot index with a variable."""
    return mapping.get(key) if isinstance(mapping, Mapping) else None


@register.filter
def flat(value: Any) -> str:
    """Show a fact: lists joined, nested objects as ``key: value`` pairs, booleans as yes/no."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(flat(item) for item in value)
    if isinstance(value, Mapping):
        return "; ".join(f"{key}: {flat(item)}" for key, item in value.items())
    return str(value)


@register.filter
def words(value: Any) -> str:
    """Turn an identifier such as ``well_founded_fear`` into words."""
    return str(value).replace("_", " ")
