from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict, key):
    """mapping|get_item:key: a dictionary's value in a template (or nothing)."""
    return mapping.get(key) if mapping else None
