"""``{% page_section section %}``: renders one entry of ``forum.sections.collect`` in the page."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_section(context, section):
    """Like ``{% include %}``, with the section's own context on top of the page's."""
    included = context.template.engine.get_template(section.template)
    with context.push(section.context):
        return included.render(context)
