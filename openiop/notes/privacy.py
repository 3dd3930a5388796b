"""Group note privacy: find attendees' names where other attendees would read them.

Pure (no ORM). A signed group note fans out: every attendee's chart gets the shared content and
their own section. So the shared text must name no attendee, and a section must name no
attendee but its own. ``name_leaks`` finds every first, last and preferred name (and each part
of a multi-part name) as a whole word, ignoring case. Signing is refused while any is found;
the editor shows the same findings as warnings while the facilitator writes.

The check is deliberately blunt: a participant named Hope makes "hope" unusable in the shared
text of that group. Rephrasing is cheap; a name in another person's chart is not.
"""

import re
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

MIN_NAME_LENGTH = 2


@dataclass(frozen=True)
class Person:
    key: Hashable  # identifies the attendee (e.g. the attendee row's id)
    names: tuple[str, ...]  # first, last, preferred... as recorded


@dataclass(frozen=True)
class Leak:
    location: Hashable | None  # None: the shared text; otherwise the section owner's key
    field: str  # the field's label or key, as given
    person: Hashable  # whose name was found
    found: str  # the name as written in the text


def name_terms(names: Iterable[str]) -> set[str]:
    """The words to look for: each name and each part of a name with spaces or hyphens."""
    terms: set[str] = set()
    for name in names:
        name = " ".join((name or "").split())
        if len(name) >= MIN_NAME_LENGTH:
            terms.add(name)
        terms.update(part for part in re.split(r"[\s\-]+", name) if len(part) >= MIN_NAME_LENGTH)
    return terms


def _pattern(terms: set[str]) -> re.Pattern | None:
    if not terms:
        return None
    # Longest first, so "Mary Ann" is reported rather than "Mary".
    alternatives = "|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def find_name(text: str, names: Iterable[str]) -> str | None:
    """The first of ``names`` found in ``text`` as a whole word (as written there), or None."""
    pattern = _pattern(name_terms(names))
    match = pattern.search(text or "") if pattern else None
    return match.group(0) if match else None


def name_leaks(
    *,
    people: Iterable[Person],
    shared: Mapping[str, str],
    sections: Mapping[Hashable, Mapping[str, str]],
) -> list[Leak]:
    """Every attendee name in ``shared`` (field -> text), and every name in a section
    (owner key -> field -> text) that is not the owner's own."""
    people = list(people)
    leaks: list[Leak] = []
    patterns = {person.key: _pattern(name_terms(person.names)) for person in people}
    places: list[tuple[Hashable | None, Mapping[str, str]]] = [(None, shared)]
    places.extend(sections.items())
    for location, fields in places:
        for field, text in fields.items():
            for person in people:
                pattern = patterns[person.key]
                if pattern is None or person.key == location:
                    continue
                match = pattern.search(text or "")
                if match:
                    leaks.append(Leak(location, field, person.key, match.group(0)))
    return leaks
