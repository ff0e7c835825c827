"""Skill search as a Lucene query over the full-text index.

The index analyses label, alternative labels and description with Lucene's
English analyzer (lower case, stop words out, Porter stemming, so "budgets"
finds "budget"); terms are free in order. A label hit weighs most, then an
alternative label, then the description, and the words as a phrase in the
label weigh more again. User text never reaches Lucene's syntax: every
special character is escaped and terms are lower-cased, so AND, OR and NOT
are words, not operators.
"""

from __future__ import annotations

LUCENE_SPECIAL = frozenset('+-&|!(){}[]^"~*?:\\/')
MAX_TERMS = 32

LABEL_BOOST = 4
ALT_LABEL_BOOST = 2
PHRASE_BOOST = 8


def escape_term(term: str) -> str:
    return "".join("\\" + char if char in LUCENE_SPECIAL else char for char in term)


def search_terms(text: str) -> list[str]:
    return [escape_term(word.lower()) for word in text.split()[:MAX_TERMS]]


def lucene_query(text: str) -> str:
    """The Lucene query for what a person typed; empty when nothing is left to find."""
    terms = search_terms(text)
    if not terms:
        return ""
    words = " ".join(terms)
    clauses = [
        f"label:({words})^{LABEL_BOOST}",
        f"alt_text:({words})^{ALT_LABEL_BOOST}",
        f"description:({words})",
    ]
    if len(terms) > 1:
        clauses.append(f'label:"{words}"^{PHRASE_BOOST}')
    return " ".join(clauses)


def exact_label_key(text: str) -> str:
    """What an exact label match compares: the label lower-cased, spaces collapsed."""
    return " ".join(text.split()).lower()


def indexed_text(label: str, alt_labels: tuple[str, ...] | list[str]) -> dict[str, str]:
    """The properties the search reads beside label and description: the
    alternative labels as one string (full-text indexes take strings only)
    and the key an exact label is matched on."""
    return {"alt_text": "\n".join(alt_labels), "label_key": exact_label_key(label)}
