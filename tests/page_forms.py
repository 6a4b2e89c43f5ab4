"""
What a browser sends when a page's form is submitted as it stands: every field the form carries,
hidden ones included, with its current value. A test of a form's behaviour then submits exactly
what a person would, rather than the parameters the test thinks the form has.
"""

from html.parser import HTMLParser

#: Inputs a browser sends only when ticked.
TICKED_TYPES = ("checkbox", "radio")
#: Inputs a browser never sends as a value.
UNSENT_TYPES = ("submit", "button", "reset", "image", "file")


class _FormReader(HTMLParser):
    def __init__(self, method: str) -> None:
        super().__init__(convert_charrefs=True)
        self.method = method
        self.inside = False
        self.done = False
        self.fields: dict[str, list[str]] = {}
        self.select: str | None = None
        self.select_multiple = False
        self.options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "form" and not self.done and found.get("method", "get").lower() == self.method:
            self.inside = True
        if not self.inside:
            return
        if tag == "input" and found.get("name") and "disabled" not in found:
            kind = found.get("type", "text").lower()
            if kind in UNSENT_TYPES or (kind in TICKED_TYPES and "checked" not in found):
                return
            default = "on" if kind in TICKED_TYPES else ""
            self.fields.setdefault(found["name"], []).append(found.get("value", default))
        elif tag == "select" and found.get("name"):
            self.select, self.select_multiple, self.options = found["name"], "multiple" in found, []
        elif tag == "option" and self.select is not None:
            self.options.append((found.get("value", ""), "selected" in found))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self.select is not None:
            chosen = [value for value, selected in self.options if selected]
            if not chosen and not self.select_multiple and self.options:
                chosen = [self.options[0][0]]  # a single select always sends one option
            if chosen:
                self.fields.setdefault(self.select, []).extend(chosen)
            self.select = None
        elif tag == "form" and self.inside:
            self.inside, self.done = False, True


def submitted_fields(html: str, *, method: str = "get") -> dict[str, list[str]]:
    """The fields the page's first form of ``method`` sends as it stands, by name."""
    reader = _FormReader(method.lower())
    reader.feed(html)
    return reader.fields
