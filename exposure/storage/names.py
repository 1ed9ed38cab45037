"""Names are keys in a table now, not paths: normalise them, and refuse the ones that look
like paths so that ``x``, ``../../x`` and ``..\\..\\x`` can never silently mean the same book.

The key is the NFKC form with runs of white space collapsed, compared without case
(``My book`` and ``my  BOOK`` are one book). Anything with a path separator, a control
character, a leading dot or only punctuation is refused with a message saying why.
"""

from __future__ import annotations

import re
import unicodedata

from exposure.errors import WorkspaceError

MAX_NAME = 80
_ALLOWED = re.compile(r"^[\w .,()&+'#@-]+$")


def clean_name(name: str, what: str = "name") -> str:
    """The name as it will be shown (NFKC, trimmed, single spaces); raises if unusable."""
    if not isinstance(name, str):
        raise WorkspaceError(f"the {what} must be text")
    text = " ".join(unicodedata.normalize("NFKC", name).split())
    if not text:
        raise WorkspaceError(f"give a {what}")
    if len(text) > MAX_NAME:
        raise WorkspaceError(f"{name[:40]!r}…: the {what} is longer than {MAX_NAME} characters")
    for bad, why in (("/", "'/'"), ("\\", "'\\'"), ("\x00", "a NUL byte"), (":", "':'")):
        if bad in name:
            raise WorkspaceError(f"{name!r} is not a usable {what}: it contains {why} "
                                 "(names are labels, not paths)")
    if any(unicodedata.category(ch).startswith("C") for ch in text):
        raise WorkspaceError(f"{name!r} is not a usable {what}: it contains control characters")
    if text.startswith("."):
        raise WorkspaceError(f"{name!r} is not a usable {what}: it starts with '.'")
    if not _ALLOWED.match(text) or not any(ch.isalnum() for ch in text):
        raise WorkspaceError(f"{name!r} is not a usable {what} (letters, digits, spaces and "
                             ". , ( ) & + ' # @ _ -)")
    return text


def name_key(name: str, what: str = "name") -> str:
    """The lookup key of a name (see the module docstring)."""
    return clean_name(name, what).casefold()
