"""`{% t "code" name=value %}`: a text of the web pages (the catalogue's `web.` section, generator/messages.py)
in the reader's language."""

from __future__ import annotations

from django import template

from ...messages import DEFAULT_LANG, Message, language, web_text

register = template.Library()


@register.simple_tag(takes_context=True)
def t(context, code: str, **params) -> str:
    request = context.get("request")
    lang = getattr(request, "lang", DEFAULT_LANG) if request is not None else DEFAULT_LANG
    return web_text(code, lang, **params)


@register.filter
def of_lang(value, lang: str):
    """{{ job.error|of_lang:lang }}: the entry for `lang` of an {"id": ..., "en": ...} mapping."""
    if isinstance(value, dict):
        return value.get(lang) or value.get(DEFAULT_LANG) or ""
    return value


@register.filter
def in_lang(value, lang: str):
    """{{ problem|in_lang:lang }}: a Message kept in the database (its code and parameters) in
    `lang`; a text kept by an older version as it is."""
    if isinstance(value, dict) and "code" in value:
        return Message.from_data(value).render(language(lang))
    return value
