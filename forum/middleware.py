"""Cross-cutting response tweaks."""


class InvalidFormStatusMiddleware:
    """A POST whose form comes back with errors answers 400, not 200.

    Our own views already do this; allauth's (login, sign-up, password reset, ...) render
    invalid forms with 200. Clients, monitoring and tests can then tell a rejected
    submission from a page view, and the form still shows every error and keeps the input.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_template_response(self, request, response):
        if request.method == "POST" and response.status_code == 200:
            context = response.context_data or {}
            form = context.get("form")
            if form is not None and getattr(form, "is_bound", False) and form.errors:
                response.status_code = 400
        return response
