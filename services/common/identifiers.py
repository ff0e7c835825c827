"""The one rule for the ids of people, skills, roles, outcomes and courses.

An id is one segment of a URL path (/v1/people/{id}) and a key people type
and paste: a character a URL, a shell or a spreadsheet would change or split
makes the record unreachable once it is stored. So an id is 1 to 200
characters with no white space (anywhere: surrounding spaces are refused,
never trimmed, so that the id stored is the id sent), no control character,
none of / ? # \\ and it is not "." or "..". ESCO's ids (the UUID at the end of
a concept URI) and ids such as "nc-043", "E1234" or "Zoë.7" pass.

Every way in applies it: the gateway's bodies, paths, queries and CSV cells,
and the gRPC services. Records stored before the rule stay reachable through
the admin routes, which take an id exactly as stored.
"""

from __future__ import annotations

import unicodedata

MAX_ID_CHARS = 200
FORBIDDEN_ID_CHARACTERS = frozenset("/?#\\")
ID_RULE = (
    f"an id is 1 to {MAX_ID_CHARS} characters without white space, "
    "control characters, '/', '?', '#' or '\\', and is not '.' or '..'"
)


def id_problem(value: str) -> str | None:
    """Why `value` cannot be an id, or None when it can."""
    if not value:
        return "must not be empty"
    if len(value) > MAX_ID_CHARS:
        return f"must be at most {MAX_ID_CHARS} characters"
    if value != value.strip():
        return "must not start or end with white space"
    for character in value:
        if character.isspace():
            return "must not contain white space"
        if character in FORBIDDEN_ID_CHARACTERS:
            return f"must not contain {character!r}"
        if unicodedata.category(character) in ("Cc", "Cf", "Cs"):
            return "must not contain control characters"
    if value in (".", ".."):
        return "must not be '.' or '..'"
    return None


def is_valid_id(value: str) -> bool:
    return id_problem(value) is None
