"""Cross-cutting response tweaks."""

from django.forms import BaseForm


class InvalidFormStatusMiddleware:
    """A page that shows a bound form with errors answers 400, not 200 (R2).

    The one place this rule lives: our views return TemplateResponses
    (``forum.shortcuts.render_page``), and allauth's views (login, sign-up, password reset, ...) do too. Clients,
    monitoring and tests can then tell a rejected submission from a page view, and the
    form still shows every error and keeps the input.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_template_response(self, request, response):
        if response.status_code == 200 and any(
            isinstance(value, BaseForm) and value.is_bound and value.errors
            for value in (response.context_data or {}).values()
        ):
            response.status_code = 400
        return response
