"""Search: what a word is, which words of a note are indexed, and how one page of results is assembled.

The index holds, per user, one entry per (word, note): its key sorts by word, then newest-created first,
so a word or word-prefix search is one key-range read whatever the size of the notebook. Words are
normalized the same way for notes and for queries: Unicode NFKD, combining marks dropped, casefolded
("Café" and "CAFE" are both "cafe"). A query matches a note when every query word is the beginning of
one of the note's words (title, category and content).

The index is written from the table's stream, so it lags writes by a moment: the first page of a search
also checks the user's newest notes directly (at most RECENT_MAX, updated within RECENT_WINDOW), so a note
saved a moment ago is found although the index has not seen it yet.

Both repositories (DynamoDB and in-memory) use `search_page` with their own reads, so they behave alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import NamedTuple, Protocol

from django.core import signing

from console.aws import table_keys
from notes.cursor import load_signed
from notes.domain import InvalidCursor, Note, NoteFilters, NotePage, label_key
from notes.text import normalize


class Criteria(Protocol):
    """What a page asks for (notes/query.py's Criteria): the entries to read, and the check of a note."""

    @property
    def lookup(self) -> str | None: ...

    def wanted(self, note: Note, *, mine: list[str] | None = None) -> bool: ...


# A note's first MAX_TERMS distinct words (title first, then category, then content) are indexed, each
# cut to MAX_TERM_CHARS: one index item (one write unit) per word, so this caps what a save can cost.
MAX_TERMS = 2000
MAX_TERM_CHARS = 32
# How far back the direct check of the newest notes looks: far longer than the stream's usual lag (under a
# second), long enough to cover a stream handler retrying after a throttle.
RECENT_WINDOW = timedelta(minutes=15)
RECENT_MAX = 20
SEARCH_MAX_CALLS = 3  # index reads per page; a page may hold fewer results than asked, with a cursor

_WORD_RE = re.compile(r"[^\W_]+")
_SALT = "notes.search"


def words(text: str) -> list[str]:
    """The normalized words of `text`, in order (repeats kept)."""
    return _WORD_RE.findall(normalize(text))


def index_terms(note: Note) -> list[str]:
    """The words of the note that the index holds: distinct, in order of first appearance, capped."""
    terms: dict[str, None] = {}
    for text in (note.title, *note.labels, note.content):
        for word in _WORD_RE.finditer(normalize(text)):
            terms.setdefault(word.group()[:MAX_TERM_CHARS], None)
            if len(terms) >= MAX_TERMS:
                return list(terms)
    return list(terms)


def facet_terms(note: Note) -> list[str]:
    """The note's entries in the label and flag indexes, as manifest terms: "#"-prefixed, which no word is.
    Pinned is indexed for the main list only (an archived note is found through the archive's entry)."""
    terms = [f"#{label_prefix(key)[:-1]}" for key in sorted(note.label_keys)]
    if note.pinned and not note.archived:
        terms.append(f"#{flag_prefix('pinned')[:-1]}")
    if note.archived:
        terms.append(f"#{flag_prefix('archived')[:-1]}")
    return terms


def index_keys(note: Note) -> list[str]:
    """Every manifest term of the note: its labels and flags, then its words."""
    return facet_terms(note) + index_terms(note)


def label_spelling(note: Note, term: str) -> str | None:
    """The label as the note spells it, for a label term of its manifest; None for other terms."""
    if not term.startswith("#L#"):
        return None
    key = label_of_entry(term[1:])
    return next((label for label in note.labels if label_key(label) == key), key)


def is_word(term: str) -> bool:
    return not term.startswith("#")


def query_terms(q: str | None) -> list[str]:
    return list(dict.fromkeys(words(q or "")))


def lookup_term(terms: list[str]) -> str:
    """The query word read from the index: the longest (usually the most selective); the other words are
    checked on the notes found."""
    return max(terms, key=len)[:MAX_TERM_CHARS]


def note_matches_query(note: Note, terms: list[str], *, mine: list[str] | None = None) -> bool:
    mine = index_terms(note) if mine is None else mine
    return all(any(word.startswith(t[:MAX_TERM_CHARS]) for word in mine) for t in terms)


def first_term_with_prefix(note: Note, prefix: str, *, mine: list[str] | None = None) -> str | None:
    """The index entry of `note` a search for `prefix` reaches first (entries sort by word): the one that
    counts, so a note with several matching words appears once."""
    hits = [t for t in (index_terms(note) if mine is None else mine) if t.startswith(prefix)]
    return min(hits) if hits else None


# --- index keys ------------------------------------------------------------------------------------

_INVERT = str.maketrans("0123456789", "9876543210")


def inverted_stamp(stamp: str) -> str:
    """An ISO-8601 stamp's digits, each replaced by 9 - digit: sorts ascending newest first."""
    return "".join(ch for ch in stamp if ch.isdigit()).translate(_INVERT)


def entry_sort_key(term: str, note: Note) -> str:
    head = term[1:] if term.startswith("#") else table_keys.term_sk(term)
    return f"{head}#{inverted_stamp(note.created_at)}#{note.id}"


def parse_entry(sort_key: str) -> tuple[str, str]:
    """(term, note id) of an index entry's sort key."""
    _, term, _, note_id = sort_key.split("#")
    return term, note_id


def entry_prefix(term: str) -> str:
    return table_keys.term_sk(term)


def _escape(key: str) -> str:
    return key.replace("%", "%25").replace("#", "%23")


def label_prefix(key: str) -> str:
    """The entries of the notes with this label (by its label_key): L#<key, '#' escaped>#..."""
    return table_keys.label_prefix(_escape(key))


def label_of_entry(sort_key: str) -> str:
    return sort_key.split("#")[1].replace("%23", "#").replace("%25", "%")


def flag_prefix(flag: str) -> str:
    """The entries of the pinned (and not archived) notes, or of the archived ones: F#pinned#, F#archived#."""
    return table_keys.flag_prefix(flag)


# --- cursor ----------------------------------------------------------------------------------------


class SearchPosition(NamedTuple):  # a named tuple: cheaper than a dataclass to build at import, on every list page
    term: str
    after: str  # the last place (index sort key) this search has shown; "" for the start


def encode_search_cursor(*, user_id: str, position: SearchPosition) -> str:
    payload = {"t": position.term, "a": position.after}
    return signing.dumps(payload, salt=f"{_SALT}:{user_id}", compress=True)


def decode_search_cursor(*, user_id: str, cursor: str, term: str) -> SearchPosition:
    """A cursor of this user's search for `term`; anything else (a list cursor, another search's, a
    tampered one) is InvalidCursor."""
    data = load_signed(cursor, salt=f"{_SALT}:{user_id}")
    if not isinstance(data, dict) or not all(isinstance(data.get(k), str) for k in "ta"):
        raise InvalidCursor("bad payload")
    if data["t"] != term:
        raise InvalidCursor("another search")
    return SearchPosition(term=data["t"], after=data["a"])


# --- one page --------------------------------------------------------------------------------------

# (entries' sort keys in order, the last one read if there may be more) for a prefix, after a key, at most n
ReadEntries = Callable[[str, str, int], tuple[list[str], str | None]]
ReadRecent = Callable[[str, int], tuple[list[Note], bool]]  # (newest notes updated since, more were there)
ReadNotes = Callable[[Iterable[str]], dict[str, Note]]  # the live notes among these ids


def recent_since(now: datetime | None = None) -> str:
    moment = (now or datetime.now(UTC)) - RECENT_WINDOW
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def search_page(
    *,
    user_id: str,
    filters: NoteFilters,
    limit: int,
    cursor: str | None,
    read_entries: ReadEntries,
    read_recent: ReadRecent,
    read_notes: ReadNotes,
    criteria: Criteria,
) -> NotePage:
    """One page of the notes that match, read from the index entries `criteria.lookup` names (a word, a
    label, pinned or archived), newest-created first, pinned ones first within the page."""
    lookup = criteria.lookup
    if lookup is None:
        return NotePage([], None)
    page = _search_page(user_id, criteria, lookup, limit, cursor, read_entries, read_recent, read_notes)
    return NotePage(sorted(page.notes, key=lambda n: not n.pinned), page.cursor)


def _search_page(
    user_id: str,
    criteria: Criteria,
    lookup: str,
    limit: int,
    cursor: str | None,
    read_entries: ReadEntries,
    read_recent: ReadRecent,
    read_notes: ReadNotes,
) -> NotePage:
    by_word = lookup.startswith(table_keys.TERM)
    term = lookup  # the cursor's binding: a cursor of another search is refused

    indexed: dict[tuple[str, int], list[str]] = {}  # a note's words, worked out once per page

    def words_of(note: Note) -> list[str]:
        key = (note.id, note.version)
        if key not in indexed:
            indexed[key] = index_terms(note)
        return indexed[key]

    def wanted(note: Note) -> bool:
        return criteria.wanted(note, mine=words_of(note))

    # One order, whatever the time: index order (the word matched, then newest-created first). A note
    # saved in the last RECENT_WINDOW is read directly (the index may not have it yet) and takes its own
    # place in that order, on whichever page that place falls: never first for being recent.
    start = decode_search_cursor(user_id=user_id, cursor=cursor, term=term).after if cursor else ""

    def place(note: Note) -> str | None:
        if by_word:
            entry_term = first_term_with_prefix(note, term.removeprefix(table_keys.TERM), mine=words_of(note))
        else:  # a label or flag lookup ("L#<key>#", "F#pinned#"): the note's entry of it, if it has one
            entry_term = next((t for t in facet_terms(note) if f"{t[1:]}#" == lookup), None)
        return entry_sort_key(entry_term, note) if entry_term is not None and wanted(note) else None

    recent, _more = read_recent(recent_since(), RECENT_MAX)
    direct = {note.id: note for note in recent}  # their index entries may be stale: the note read counts
    candidates: list[tuple[str, Note]] = []
    after, exhausted = start, False
    for _ in range(SEARCH_MAX_CALLS):
        keys, last = read_entries(lookup, after, limit + 1)
        ids = [parse_entry(k)[1] for k in keys]
        notes = read_notes(dict.fromkeys(i for i in ids if i not in direct))
        for key, (entry_term, note_id) in zip(keys, map(parse_entry, keys), strict=True):
            after = key
            note = notes.get(note_id)
            if note is None or note_id in direct:
                continue  # deleted or edited since the index saw it, or read directly
            if (
                by_word
                and first_term_with_prefix(note, term.removeprefix(table_keys.TERM), mine=words_of(note)) != entry_term
            ):
                continue  # the note is reached through another of its words first
            if not wanted(note):
                continue
            candidates.append((key, note))
            if len(candidates) >= limit:
                break
        if len(candidates) >= limit:
            exhausted = after == keys[-1] and last is None
            break
        if last is None:
            exhausted = True
            break
        after = last
    end = None if exhausted else after  # this page covers the places (start, end]

    for note in recent:
        key = place(note)
        if key is not None and key > start and (end is None or key <= end):
            candidates.append((key, note))
    candidates.sort(key=lambda pair: pair[0])
    if len(candidates) > limit:
        end = candidates[limit - 1][0]
        candidates = candidates[:limit]
    found = [note for _, note in candidates]
    if end is None:
        return NotePage(found, None)
    return NotePage(found, encode_search_cursor(user_id=user_id, position=SearchPosition(term=term, after=end)))
