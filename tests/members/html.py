"""Small HTML checks for accessibility rules every page keeps: one h1, labelled fields."""

from html.parser import HTMLParser

#: Script elements of these types are data blocks (schema.org JSON-LD): the browser does not
#: run them, so the CSP's ban on inline scripts does not concern them.
DATA_BLOCKS = {"application/ld+json", "application/json"}


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.h1 = 0
        self.label_for = set()
        self.fields = []
        self.inline = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "h1":
            self.h1 += 1
        elif tag == "label" and attrs.get("for"):
            self.label_for.add(attrs["for"])
        elif tag in {"input", "select", "textarea"} and attrs.get("type") not in {
            "hidden",
            "submit",
            "button",
        }:
            self.fields.append(attrs)
        code = tag == "script" and "src" not in attrs and attrs.get("type") not in DATA_BLOCKS
        if "style" in attrs or code:
            self.inline.append((tag, attrs))


def check_page(content: bytes | str) -> None:
    """Exactly one h1; every visible field has a label; no inline script or style."""
    collector = _Collector()
    collector.feed(content.decode() if isinstance(content, bytes) else content)
    assert collector.h1 == 1, f"{collector.h1} h1 elements"
    for field in collector.fields:
        assert field.get("id") in collector.label_for or field.get("aria-label"), field
    assert not collector.inline, collector.inline
