"""Escaping text for Textual content markup, and making it inert on the terminal.

Everything the wizard shows from outside (pasted responses and logs, playbook and catalogue
text, AWS names, token claims) is untrusted, twice over:

- as markup: Textual's own `escape` leaves `[$variable]` alone, so text such as `[$error]`
  inside a log line would turn into a style and vanish; escaping every opening bracket keeps
  the text exactly as it was;
- as terminal output: Textual passes ESC through to the screen, so an AWS name holding an OSC
  52 clipboard write or `ESC[2J` would reach the terminal. `analysis.inert` shows every
  control character as a visible escape.

Every widget that shows outside text goes through this one `escape`.
"""

from __future__ import annotations

from wizard.analysis.inert import inert


def escape(text: str) -> str:
    return inert(text).replace("[", "\\[")
