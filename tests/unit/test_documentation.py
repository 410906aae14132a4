"""The documentation: every path it names exists, and the README stays a page one reader can finish."""

from pathlib import Path

from tools import check_docs

ROOT = Path(__file__).resolve().parents[2]


def test_every_path_module_and_link_the_docs_name_exists():
    problems = [p for doc in check_docs.documents() for p in check_docs.stale_pointers(doc)]
    assert problems == []


def test_a_stale_pointer_is_found_with_its_file_and_line(tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "views.py").write_text("")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "deploy.md").write_text("# Deploy\n")
    (tmp_path / "README.md").write_text(
        "Pages: `notes/views.py`, `notes/cache_control.py`.\n"
        "Middleware: `notes.views.PageMiddleware`, `notes.gone.Thing`.\n"
        "See [deploy](docs/deploy.md#steps), [gone](docs/gone.md), [site](https://example.com/x).\n"
        "Per stage: `notes/<stage>.py`; made at run time: `.local/dynamodb-x.json`; not ours: `/api/notes`.\n"
    )
    problems = check_docs.stale_pointers(tmp_path / "README.md", tmp_path)
    assert problems == [
        "README.md:1: `notes/cache_control.py` does not exist",
        "README.md:2: `notes.gone.Thing` names no module of the project",
        "README.md:3: link to docs/gone.md, which does not exist",
    ]


def test_a_placeholder_matches_any_file_of_that_folder(tmp_path):
    (tmp_path / "console").mkdir()
    (tmp_path / "console" / "policy-dev.json").write_text("{}")
    (tmp_path / "README.md").write_text("`console/policy-<stage>.json` and `console/rules-<stage>.json`\n")
    assert check_docs.stale_pointers(tmp_path / "README.md", tmp_path) == [
        "README.md:1: `console/rules-<stage>.json` does not exist"
    ]


def test_the_readme_is_one_page_of_prose_a_reader_can_finish():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 250
    long_prose = [n for n, line in enumerate(lines, 1) if len(line) > 120 and not line.startswith("|")]
    assert long_prose == []
