"""The notes repository is narrow protocols, one per concern, and each consumer asks for the one it needs."""

from __future__ import annotations

import inspect

import pytest

from notes import exports, history, imports, repository, services

NARROW = (
    repository.NoteStore,
    repository.TrashStore,
    repository.HistoryStore,
    repository.SearchIndexStore,
    repository.IdempotencyStore,
    repository.ExportReader,
)


def methods(protocol: type) -> set[str]:
    return {name for name, value in vars(protocol).items() if callable(value) and not name.startswith("_")}


def test_it_splits_every_method_of_the_repository_into_exactly_one_narrow_protocol():
    each = [methods(p) for p in NARROW]
    assert all(each)
    assert sum(len(m) for m in each) == len(set().union(*each))  # no method in two protocols
    every = {name for name in dir(repository.NoteRepository) if not name.startswith("_")}
    assert set().union(*each) == every


def test_it_keeps_each_narrow_protocol_small():
    assert max(len(methods(p)) for p in NARROW) <= 7


def test_no_consumer_asks_for_the_whole_repository():
    whole = []
    for module in (services, history, exports, imports):
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ != module.__name__:
                continue
            annotation = inspect.signature(function).parameters.get("repo")
            if annotation is not None and "NoteRepository" in str(annotation.annotation):
                whole.append(f"{module.__name__}.{name}")
    assert whole == []


def public_methods(cls: type) -> set[str]:
    return {name for name in dir(cls) if not name.startswith("_") and callable(getattr(cls, name))}


def test_each_protocol_has_an_adapter_and_a_fake_with_exactly_its_methods():
    from tests.integration.note_repository_support import ADAPTERS

    assert set(ADAPTERS) == set(NARROW)
    for protocol, (adapter, fake) in ADAPTERS.items():
        assert public_methods(adapter) == methods(protocol), adapter
        assert public_methods(fake) == methods(protocol), fake


def test_each_service_runs_on_the_one_narrow_fake_it_asks_for():
    from notes.domain import NoteNotFound
    from tests import fakes

    state = fakes.NotesState()
    notes, trash = fakes.InMemoryNoteStore(state), fakes.InMemoryTrashStore(state)
    note = services.note_create(user_id="alice", data={"title": "a", "labels": ["x"]}, repo=notes)
    note = services.note_update(user_id="alice", note_id=note.id, expected_version=1, data={"title": "b"}, repo=notes)
    assert services.note_get(user_id="alice", note_id=note.id, repo=notes).title == "b"
    assert services.note_categories(user_id="alice", repo=notes) == ["x"]
    assert exports.notes_export_plan(user_id="alice", repo=fakes.InMemoryExportReader(state)).notes == 1
    assert services.search_index_rebuild(repo=fakes.InMemorySearchIndexStore(state))["notes"] == 1
    assert [s.label for s in services.label_list(user_id="alice", repo=notes)] == ["x"]
    services.note_delete(user_id="alice", note_id=note.id, expected_version=2, repo=notes)
    assert [t.note.id for t in services.trash_list(user_id="alice", repo=trash)] == [note.id]
    assert services.note_restore(user_id="alice", note_id=note.id, repo=trash).version == 3
    services.note_delete(user_id="alice", note_id=note.id, expected_version=3, repo=notes)
    assert services.trash_empty(user_id="alice", repo=trash) == 1
    with pytest.raises(NoteNotFound):
        services.note_get(user_id="alice", note_id=note.id, repo=notes)
