"""The bulk actions' names and their outcomes: what the list pages need to offer them and word the result,
without loading the actions themselves (notes/bulk.py) on every list page."""

BULK_MAX = 100
UNDO_SECONDS = 15 * 60  # how long an action's Undo is offered

# action: (the flag it sets, to what)
FLAG_ACTIONS: dict[str, tuple[str, bool]] = {
    "archive": ("archived", True),
    "unarchive": ("archived", False),
    "pin": ("pinned", True),
    "unpin": ("pinned", False),
    "complete": ("completed", True),
}
LABEL_ACTIONS = ("add_label", "remove_label")
ACTIONS: tuple[str, ...] = ("trash", "restore", *FLAG_ACTIONS, *LABEL_ACTIONS)
ACTION_NAMES = {
    "trash": "Move to trash",
    "restore": "Restore from trash",
    "archive": "Archive",
    "unarchive": "Unarchive",
    "pin": "Pin",
    "unpin": "Unpin",
    "complete": "Mark completed",
    "add_label": "Add label",
    "remove_label": "Remove label",
}
DONE_WORDS = {
    "trash": "moved to the trash",
    "restore": "restored",
    "archive": "archived",
    "unarchive": "unarchived",
    "pin": "pinned",
    "unpin": "unpinned",
    "complete": "marked completed",
    "add_label": "labelled",
    "remove_label": "unlabelled",
}

# A note's outcome
DONE, UNCHANGED, CONFLICT, MISSING = "done", "unchanged", "conflict", "not_found"
