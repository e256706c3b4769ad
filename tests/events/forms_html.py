"""Reads a rendered HTML form back into POST data, as a browser would submit it, so admin
tests post exactly what the change page offers (including every inline's management form)."""

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self, form_id):
        super().__init__()
        self.form_id = form_id
        self.inside = form_id is None
        self.data: list[tuple[str, str]] = []
        self._select = None
        self._select_multiple = False
        self._option_value = None
        self._option_text = ""
        self._option_selected = False
        self._textarea = None
        self._textarea_text = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            name = attrs.get("name")
            if not name or kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.data.append((name, attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select":
            self._select = attrs.get("name")
        elif tag == "option" and self._select:
            self._option_value = attrs.get("value")
            self._option_text = ""
            self._option_selected = "selected" in attrs
        elif tag == "textarea":
            self._textarea = attrs.get("name")
            self._textarea_text = ""

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea_text += data
        elif self._option_value is not None or self._select:
            self._option_text += data

    def handle_endtag(self, tag):
        if tag == "form" and self.inside and self.form_id is not None:
            self.inside = False
        if tag == "option" and self._select:
            if self._option_selected:
                value = self._option_value if self._option_value is not None else self._option_text
                self.data.append((self._select, value))
            self._option_value = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.data.append((self._textarea, self._textarea_text.lstrip("\n")))
            self._textarea = None


def form_data(html: str, form_id: str | None = None) -> dict:
    """{name: value or [values]} of the form with ``form_id`` (or every field on the page)."""
    reader = _FormReader(form_id)
    reader.feed(html)
    data: dict = {}
    for name, value in reader.data:
        if name in data:
            existing = data[name]
            data[name] = [*existing, value] if isinstance(existing, list) else [existing, value]
        else:
            data[name] = value
    return data
