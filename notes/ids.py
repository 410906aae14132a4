"""What a note id looks like: uuid hex (random, or derived from a client token). URLs, the API and the OpenAPI
document use it. A module of its own (notes.domain re-exports it) so that the URLconf and the tag libraries,
which every first page loads, need not load the domain's dataclasses (bench/bench_cold_start.py)."""

NOTE_ID_PATTERN = "[0-9a-f]{32}"
