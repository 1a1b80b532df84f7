"""`{% t "code" name=value %}`: a text of the web catalogue (texts.py) in the reader's language."""

from __future__ import annotations

from django import template

from ..texts import DEFAULT_LANG, lookup

register = template.Library()


@register.simple_tag(takes_context=True)
def t(context, code: str, **params) -> str:
    request = context.get("request")
    lang = getattr(request, "lang", DEFAULT_LANG) if request is not None else DEFAULT_LANG
    return lookup(code, lang, **params)


@register.filter
def of_lang(value, lang: str):
    """{{ job.error|of_lang:lang }}: the entry for `lang` of an {"id": ..., "en": ...} mapping."""
    if isinstance(value, dict):
        return value.get(lang) or value.get(DEFAULT_LANG) or ""
    return value
