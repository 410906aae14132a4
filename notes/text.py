"""How text is compared: the one normalization search words and labels share (case- and accent-insensitive)."""

from __future__ import annotations

import unicodedata


def normalize(text: str) -> str:
    """Unicode NFKD, combining marks dropped, casefolded: "Café", "CAFE" and "cafe" are all "cafe"."""
    if text.isascii():  # NFKD leaves ASCII as it is, and it has no combining marks
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
