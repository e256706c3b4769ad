"""``{% load programme_tags %}``: schema.org JSON-LD for event and item pages (events.jsonld)."""

from django import template

from .. import jsonld

register = template.Library()


@register.simple_tag
def event_jsonld(event):
    return jsonld.script(jsonld.event_data(event))


@register.simple_tag
def item_jsonld(event, item):
    return jsonld.script(jsonld.item_data(event, item))
