"""What the pages' scripts say, in the person's language: Django's JavaScript catalogue (the
djangojs domain of locale/), written into the page rather than fetched, so no page waits on a
second request for it."""

from django import template
from django.core.cache import caches
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.i18n import JavaScriptCatalog

register = template.Library()


@register.simple_tag(takes_context=True)
def script_catalogue(context) -> str:
    """gettext(), ngettext() and interpolate() for the page's scripts, kept per language in
    each process (the catalogue changes only with a release)."""
    language = get_language()
    key = f"script-catalogue:{language}"
    cache = caches["local"]
    script = cache.get(key)
    if script is None:
        response = JavaScriptCatalog.as_view(domain="djangojs")(context["request"])
        # Nothing a translator writes may close the script element it sits in.
        script = response.content.decode().replace("</", "<\\/")
        cache.set(key, script, None)
    return mark_safe(script)  # noqa: S308  # Django's own catalogue script, "</" escaped
