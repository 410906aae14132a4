"""Fixtures the unit tests share (the personas and the rest are in tests/conftest.py)."""

import pytest

from tests.fakes import InMemoryNoteRepository


@pytest.fixture
def repo():
    """The notes repository's fake (every narrow protocol on one in-memory store)."""
    return InMemoryNoteRepository()
