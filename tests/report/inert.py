"""Checks that rendered reports are inert: the HTML holds only the tags and attributes the
renderer writes, and Markdown rendered by a CommonMark engine (with raw HTML allowed, the worst
case) yields no script, image, link or frame."""

from __future__ import annotations

from html.parser import HTMLParser

# What render_html writes, nothing else.
HTML_TAGS = {
    "html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "table", "thead",
    "tbody", "tr", "th", "td", "pre", "code", "ul", "li", "span", "strong", "section",
    "details", "summary", "br", "small", "dl", "dt", "dd", "a",
}  # fmt: skip
# href only on the Further reading links (http/https from the catalogue: `hrefs` checks them)
HTML_ATTRS = {"class", "lang", "charset", "name", "content", "http-equiv", "id", "href"}
# What a Markdown engine makes of render_md's output (tables, lists, code, emphasis).
MD_TAGS = {
    "h1", "h2", "h3", "p", "table", "thead", "tbody", "tr", "th", "td", "pre", "code", "ul",
    "li", "strong", "em", "blockquote", "br", "hr", "a",
}  # fmt: skip
# language-* on code blocks, alignment on table cells, href on the Further reading links
MD_ATTRS = {"class", "style", "href"}


class Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> Collector:
    c = Collector()
    c.feed(html)
    c.close()
    return c


def foreign_markup(html: str, tags: set[str], attrs: set[str]) -> list[str]:
    """Tags or attributes the renderer never writes (an injection got through)."""
    found = []
    for tag, tag_attrs in parse(html).tags:
        if tag not in tags:
            found.append(f"<{tag}>")
        for name, value in tag_attrs:
            if name not in attrs:
                found.append(f"<{tag} {name}={value!r}>")
    return found


def hrefs(html: str) -> list[str]:
    """Every link target in the page."""
    return [v or "" for _, attrs in parse(html).tags for k, v in attrs if k == "href"]


def markdown_to_html(md: str) -> str:
    from markdown_it import MarkdownIt

    return (
        MarkdownIt("commonmark", {"html": True}).enable("table").enable("strikethrough").render(md)
    )
