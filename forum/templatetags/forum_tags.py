from django import template
from django.utils.html import format_html

from forum import once

register = template.Library()


@register.simple_tag
def form_once():
    """The hidden one-time token of a create form handled by ``forum.once.submit_once``."""
    return format_html('<input type="hidden" name="{}" value="{}">', once.FIELD, once.new_token())
