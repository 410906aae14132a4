"""What a listing asks for: the search box's operators and the list's filters, as one set of criteria.

Operators, the same on the pages and in the API's `q`, combinable with words:
  "exact phrase"   the words in this order          -word           notes without this word
  label:name       notes with this label            label:"with spaces"
  is:pinned  is:important  is:completed             in:archive  in:trash (otherwise: the main notes)
Words match as search does (each begins a word of the note, case and accents ignored); labels match whole,
case and accents ignored. An unknown operator or an unclosed quote is a ValidationError on `q` that says so.

`Criteria.lookup` names the index entries a page is read from (notes/search.py: the rarest thing asked for
that an index holds), so every such page costs the same whatever the number of notes; the other criteria are
checked on the notes read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from notes.domain import InvalidCursor, Note, NoteFilters, NotePage, ValidationError, label_key

HELP = (
    'Search words, "an exact phrase", -without, label:name, label:"two words", '
    "is:pinned, is:important, is:completed, in:archive, in:trash."
)
_FLAGS = ("pinned", "important", "completed")
_SCOPES = ("archive", "trash")


def _words(text: str) -> tuple[str, ...]:
    from notes.search import words

    return tuple(words(text))


def _problem(message: str) -> ValidationError:
    return ValidationError({"q": f"{message} {HELP}"})


def _tokens(q: str) -> list[tuple[str, str, bool]]:
    """(operator or "", value, quoted) for each token; raises for an unclosed quote."""
    tokens: list[tuple[str, str, bool]] = []
    i, n = 0, len(q)
    while i < n:
        if q[i].isspace():
            i += 1
            continue
        start = i
        while i < n and not q[i].isspace() and q[i] != '"':
            i += 1
        head = q[start:i]
        if i < n and q[i] == '"':
            close = q.find('"', i + 1)
            if close < 0:
                raise _problem(f"The quote opened before {q[i + 1 : i + 21]!r} is not closed.")
            value, i = q[i + 1 : close], close + 1
            operator = head[:-1] if head.endswith(":") else head
            tokens.append((operator, value, True))
            continue
        operator, sep, value = head.partition(":")
        if sep and operator and operator.lstrip("-").isalpha():
            if not value:
                raise _problem(f"{operator}: needs something after the colon, e.g. label:work or is:pinned.")
            tokens.append((operator, value, False))
        else:
            tokens.append(("", head, False))
    return tokens


class Criteria(NamedTuple):
    """A named tuple, not a frozen dataclass: as immutable, compared and copied (`_replace`) the same way, and
    built at import for a fraction of the cost (notes/domain.py's records say why)."""

    words: tuple[str, ...] = ()  # each begins a word of the note
    phrases: tuple[tuple[str, ...], ...] = ()  # each a run of the note's words
    excluded: tuple[str, ...] = ()  # none is a word of the note
    labels: tuple[str, ...] = ()  # label keys, all on the note
    pinned: bool | None = None
    important: bool | None = None
    completed: bool | None = None
    scope: str = "notes"  # "notes" (the main list), "archive" or "trash"
    nothing: bool = False  # a search with no word in it ("!!!"): it finds nothing

    @property
    def lookup_words(self) -> tuple[str, ...]:
        return self.words + tuple(w for phrase in self.phrases for w in phrase)

    @property
    def lookup(self) -> str | None:
        """The index entries a page reads (notes/search.py keys), or None: the list of the scope itself."""
        from notes import search

        if self.scope == "trash":
            return None
        if self.lookup_words:
            return search.entry_prefix(search.lookup_term(list(self.lookup_words)))
        if self.labels:
            return search.label_prefix(self.labels[0])
        if self.scope == "archive":
            return search.flag_prefix("archived")
        if self.pinned:
            return search.flag_prefix("pinned")
        return None

    @property
    def pinned_first(self) -> bool:
        """The main list puts pinned notes first: their block is read from the pinned index."""
        return self.scope == "notes" and self.pinned is None and self.lookup is None

    def wanted(self, note: Note, *, mine: list[str] | None = None) -> bool:
        from notes import search

        if self.nothing:
            return False
        if note.archived != (self.scope == "archive"):
            return False
        for flag in _FLAGS:
            value = getattr(self, flag)
            if value is not None and getattr(note, flag) != value:
                return False
        if self.labels and not set(self.labels) <= note.label_keys:
            return False
        if not (self.words or self.phrases or self.excluded):
            return True
        mine = search.index_terms(note) if mine is None else mine
        if self.words and not search.note_matches_query(note, list(self.words), mine=mine):
            return False
        if self.excluded and set(self.excluded) & set(mine):
            return False
        return all(_has_phrase(note, phrase) for phrase in self.phrases)


def _has_phrase(note: Note, phrase: tuple[str, ...]) -> bool:
    wanted = f" {' '.join(phrase)} "
    return any(wanted in f" {' '.join(_words(text))} " for text in (note.title, note.content, *note.labels))


def parse(q: str | None) -> Criteria:
    words: list[str] = []
    phrases: list[tuple[str, ...]] = []
    excluded: list[str] = []
    labels: list[str] = []
    flags: dict[str, bool] = {}
    scope = "notes"
    for operator, value, quoted in _tokens(q or ""):
        negated = operator.startswith("-")
        name = operator.lstrip("-").lower()
        if operator == "-" and quoted:  # -"a phrase": without these words
            excluded.extend(_words(value))
        elif not operator:
            if value.startswith("-") and not quoted and len(value) > 1:
                excluded.extend(_words(value[1:]))
            elif quoted:
                phrase = _words(value)
                if len(phrase) > 1:
                    phrases.append(phrase)
                else:
                    words.extend(phrase)
            else:
                words.extend(_words(value))
        elif name == "label" and not negated:
            if not value.strip():
                raise _problem("label: needs a label name, e.g. label:work.")
            labels.append(label_key(value))
        elif name == "is" and value.lower() in _FLAGS:
            flags[value.lower()] = not negated
        elif name == "in" and value.lower() in _SCOPES and not negated:
            scope = value.lower()
        elif name in ("is", "in"):
            allowed = "is:pinned, is:important, is:completed" if name == "is" else "in:archive, in:trash"
            raise _problem(f"{name}:{value} is not an operator here; {name}: takes {allowed}.")
        else:
            raise _problem(f'Unknown operator "{operator}:". Put it in quotes to search for it as text.')
    asked = bool(words or phrases or excluded or labels or flags or scope != "notes")
    return Criteria(
        nothing=bool((q or "").strip()) and not asked,
        words=tuple(dict.fromkeys(words)),
        phrases=tuple(dict.fromkeys(phrases)),
        excluded=tuple(dict.fromkeys(excluded)),
        labels=tuple(dict.fromkeys(labels)),
        scope=scope,
        **flags,
    )


def criteria(filters: NoteFilters | None) -> Criteria:
    """The list's filters and its `q`, as one Criteria (a filter wins over the same operator in `q`)."""
    if filters is None:
        return Criteria()
    found = parse(filters.q)
    labels = tuple(dict.fromkeys((*found.labels, *(label_key(x) for x in filters.all_labels if x.strip()))))
    changes: dict[str, object] = {"labels": labels}
    for flag in _FLAGS:
        if getattr(filters, flag) is not None:
            changes[flag] = getattr(filters, flag)
    if filters.archived:
        changes["scope"] = "archive"
    return found._replace(**changes)


def check(filters: NoteFilters | None) -> None:
    """Raise the ValidationError a bad `q` gets, before anything is read."""
    criteria(filters)


def matches(note: Note, filters: NoteFilters | None) -> bool:
    return criteria(filters).wanted(note)


# --- one page of a listing, whichever way it is read -------------------------------------------------

# The main list's cursors: the pinned block's (a search cursor, marked) and the start of the rest.
_PINNED_CURSOR = "P."
_REST_START = "R"
IndexRead = Callable[[Criteria, str | None, int], NotePage]


def list_page(
    *,
    user_id: str,
    criteria: Criteria,
    limit: int,
    cursor: str | None,
    from_index: IndexRead,
    from_updated: IndexRead,
    from_trash: Callable[[], list[Note]],
) -> NotePage:
    """Both repositories' list: from an index when the criteria name one (notes/search.py), the trash from
    the trash, and the main list as its pinned notes (from the pinned index) then the rest, newest first."""
    if criteria.nothing:
        return NotePage([], None)
    if criteria.lookup is not None:
        return from_index(criteria, cursor, limit)
    if criteria.scope == "trash":
        if cursor:
            raise InvalidCursor("the trash is one page")
        return NotePage([n for n in from_trash() if criteria.wanted(n.replace(archived=False))][:limit], None)
    if not criteria.pinned_first:
        return from_updated(criteria, cursor, limit)
    rest = criteria._replace(pinned=False)
    if cursor == _REST_START:
        return from_updated(rest, None, limit)
    if cursor and not cursor.startswith(_PINNED_CURSOR):
        return from_updated(rest, cursor, limit)
    pinned = from_index(criteria._replace(pinned=True), cursor[len(_PINNED_CURSOR) :] if cursor else None, limit)
    if pinned.cursor:
        return NotePage(pinned.notes, _PINNED_CURSOR + pinned.cursor)
    if len(pinned.notes) >= limit:
        return NotePage(pinned.notes, _REST_START)
    others = from_updated(rest, None, limit - len(pinned.notes))
    return NotePage(pinned.notes + others.notes, others.cursor)
