"""The notes repository is narrow protocols, one per concern, and each consumer asks for the one it needs."""

from __future__ import annotations

import inspect

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
