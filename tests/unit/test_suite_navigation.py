"""A newcomer can find their way in the suite: files named after what they check, no pointers to an issue tracker
they cannot see."""

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
HISTORY_WORDS = re.compile(r"_(defects?|fixes|issues?_\d+|review|findings?|round_\d+)(_|\.py$)")
ISSUE_NUMBER = re.compile(r"\b[Ii]ssues? #?\d+")


def test_test_files_are_named_after_behaviour_not_the_history_of_the_work():
    named_after_history = [p.name for p in TESTS.rglob("test_*.py") if HISTORY_WORDS.search(p.name)]
    assert named_after_history == []


def test_no_test_cites_an_issue_number():
    cited = [
        f"{path.relative_to(TESTS)}:{number}"
        for path in TESTS.rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if ISSUE_NUMBER.search(line)
    ]
    assert cited == []
