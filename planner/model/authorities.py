"""The authorities whose B12 recommendations the planner knows, and their accepted spellings.

A leaf of the model: :mod:`planner.model.profile` checks a profile's authority here and
:mod:`planner.model.recommendations` reads the figures, so neither imports the other's
insides (they used to import each other).
"""

from __future__ import annotations

from planner.errors import InputError

#: Authorities, default first. NASEM = US/Canada (IOM 1998 DRIs).
AUTHORITIES: tuple[str, ...] = ("NASEM", "EFSA", "DACH", "UK", "WHO")
#: Other spellings accepted for an authority (case-insensitive).
AUTHORITY_ALIASES: dict[str, str] = {
    "IOM": "NASEM", "NIH": "NASEM", "US": "NASEM", "D-A-CH": "DACH", "D‑A‑CH": "DACH",
    "COMA": "UK", "FAO": "WHO", "WHO/FAO": "WHO",
}
AUTHORITY_NAMES: dict[str, str] = {
    "NASEM": "US/Canada (IOM 1998 DRIs, now NASEM)",
    "EFSA": "European Food Safety Authority (2015)",
    "DACH": "German/Austrian/Swiss societies (D-A-CH 2018/2019)",
    "UK": "UK COMA (1991)",
    "WHO": "WHO/FAO (2004)",
}

def normalise_authority(authority: object) -> str:
    """Return the canonical authority code (``NASEM``, ``EFSA``, ``DACH``, ``UK``, ``WHO``).

    Raises
    ------
    InputError
        Naming the field ``authority`` and listing the accepted codes.
    """
    text = str(authority).strip().upper() if authority is not None else ""
    text = AUTHORITY_ALIASES.get(text, text)
    if text not in AUTHORITIES:
        raise InputError(
            f"authority {authority!r} is not known; use one of {', '.join(AUTHORITIES)}."
        )
    return text
