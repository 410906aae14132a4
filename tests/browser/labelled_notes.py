"""What the label and bulk-action browser tests share: notes with labels (indexed at once, as the table's stream
does a moment later), a signed-in page, and an axe check once htmx has settled."""

from __future__ import annotations

from notes import services, wiring
from tests.browser.axe import describe, serious, violations


def create_labelled(user, specs) -> dict[str, object]:
    """specs: (title, labels, flags) in creation order (the last is the newest on the list)."""
    made = {}
    for title, labels, flags in specs:
        note = services.note_create(
            user_id=user.id, data={"title": title, "content": "text", "labels": labels, **flags}
        )
        wiring.note_repository().index_note(note)  # what the table's stream does a moment later
        made[title] = note
    return made


def signed_in_page(new_context, sign_in, user, **options):
    context = new_context(**options)
    sign_in(context, user)
    return context.new_page()


def axe_clean(page, label: str) -> None:
    page.wait_for_load_state("load")
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')")
    bad = serious(violations(page))
    assert not bad, f"axe on {label}:\n{describe(bad)}"
