"""Escaping text for Textual content markup.

Everything the wizard shows from outside (pasted responses and logs, playbook and catalogue
text, AWS names) is untrusted as markup. Textual's own `escape` leaves `[$variable]` alone, so
text such as `[$error]` inside a log line would turn into a style and vanish; escaping every
opening bracket keeps the text exactly as it was.
"""

from __future__ import annotations


def escape(text: str) -> str:
    return text.replace("[", "\\[")
