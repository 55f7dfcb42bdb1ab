"""Job descriptions as job boards send them (HTML, as schema.org JobPosting and Google for
Jobs have them) made into the plain text the project stores, and back: paragraphs stay
paragraphs, list items become lines, markup and scripts go.

Text → HTML → text gives the text back (paragraphs split at blank lines, lines at line
breaks), so an exported posting re-imports with the same description.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

# elements that end a paragraph (a blank line in the text)
_BLOCKS = {"p", "div", "section", "article", "header", "footer", "main", "aside", "ul", "ol",
           "dl", "table", "tr", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6",
           "hr", "address", "figure", "form", "fieldset", "nav"}
_LINES = {"br", "li", "dt", "dd", "td", "th", "caption"}  # elements that start a line
_HIDDEN = {"script", "style", "head", "title", "template", "noscript", "iframe", "object"}
_MARKUP = re.compile(r"</?[A-Za-z][^>]*>|&(#\d+|#x[0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);")
_PARAGRAPH, _LINE = "\x00P", "\x00L"  # break markers; NUL never reaches here (strict_json)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0
        self.pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag in _BLOCKS:
            self.parts.append(_PARAGRAPH)
            self.pre += tag == "pre"
        elif tag in _LINES:
            self.parts.append(_LINE + ("• " if tag == "li" else ""))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append(_LINE)
        elif tag in _BLOCKS:
            self.parts.append(_PARAGRAPH)

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCKS:
            self.parts.append(_PARAGRAPH)
            self.pre = max(0, self.pre - (tag == "pre"))

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        if self.pre:
            self.parts.append(data.replace("\n", _LINE))
        else:  # as a browser shows it: any run of white space is one space
            self.parts.append(re.sub(r"\s+", " ", data))


def looks_like_html(text: str) -> bool:
    return _MARKUP.search(text) is not None


def html_to_text(text: str) -> str:
    """Plain text of an HTML fragment (text without markup is only tidied: line ends,
    spaces at line ends, runs of blank lines)."""
    if looks_like_html(text):
        parser = _Text()
        parser.feed(text)
        parser.close()
        text = "".join(parser.parts).replace(_PARAGRAPH, "\n\n").replace(_LINE, "\n")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def text_to_html(text: str) -> str:
    """Paragraphs (blank lines) as `<p>`, line breaks as `<br>`, the text escaped."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return "".join("<p>" + "<br>".join(html.escape(line.strip(), quote=False)
                                        for line in p.strip().split("\n")) + "</p>"
                   for p in paragraphs)


__all__ = ["html_to_text", "looks_like_html", "text_to_html"]
