"""Keyword search through the search_gram index (DESIGN §10: a 1-character surname, a phone
fragment, a VIN fragment must be found through an index, not a scan)."""

from __future__ import annotations

from collections.abc import Iterable

GRAM = 3  # fragments of 3+ characters are looked up by their 3-character pieces


def normalize(text: str) -> str:
    return "".join(text.split()).upper()


def grams_of_name(name: str) -> set[str]:
    """Every 1- and 2-character piece of a name (a surname search is one character)."""
    n = normalize(name)
    out = set(n)
    out.update(n[i : i + 2] for i in range(len(n) - 1))
    return out


def grams_of_code(code: str) -> set[str]:
    """Every 3-character piece of a phone, plate, VIN or case number; shorter codes whole."""
    c = normalize(code)
    if len(c) < GRAM:
        return {c} if c else set()
    return {c[i : i + GRAM] for i in range(len(c) - GRAM + 1)}


def case_grams(customer_name: str, codes: Iterable[str]) -> set[str]:
    out = grams_of_name(customer_name)
    for code in codes:
        out |= grams_of_code(code)
    return out


def query_grams(keyword: str) -> tuple[set[str], bool]:
    """The grams to look up for a keyword, and whether the result must be re-checked with
    LIKE (a 3-gram match of a longer fragment is only a candidate)."""
    k = normalize(keyword)
    if len(k) <= 2:
        return {k}, False
    return grams_of_code(k), True


def query_name_grams(keyword: str) -> set[str]:
    """For a keyword of 3+ characters, the 2-character pieces a customer name must have to
    contain it (names are indexed by 1- and 2-character pieces, so "王小明" is found through
    王小 + 小明, then re-checked with LIKE); empty for shorter keywords."""
    k = normalize(keyword)
    return {k[i : i + 2] for i in range(len(k) - 1)} if len(k) > 2 else set()
