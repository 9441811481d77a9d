from django import template

from callers.models import rules

register = template.Library()


@register.filter
def get_item(mapping: dict, key):
    """mapping|get_item:key: a dictionary's value in a template (or nothing)."""
    return mapping.get(key) if mapping else None


@register.filter
def reason_said(reason: str) -> str:
    """reason|reason_said: a rule's reason (stored in English) in the reader's language."""
    return rules.reason_said(reason)
