"""Text folding for search and exact lookups."""
from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Case, accents, hyphens and spacing do not matter; spelling does. 'Sam  de-Vriës' -> 'sam de vries'."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().replace("-", " ").split())
