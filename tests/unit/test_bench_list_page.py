"""The list-page bench's billing arithmetic (bench/bench_list_page.py): item sizes by DynamoDB's rules,
read and write units, and which seeded items a filtered Query evaluated."""

from __future__ import annotations

from bench.bench_list_page import Recorder, item_size, read_units, write_units


def test_item_size_counts_attribute_names_and_values():
    assert item_size({"title": {"S": "héllo"}}) == len("title") + len("héllo".encode())
    assert item_size({"v": {"N": "12345"}}) == 1 + 4  # 5 significant digits: 3 bytes, plus 1
    assert item_size({"v": {"N": "-1200.00"}}) == 1 + 2  # leading/trailing zeros and sign trimmed
    assert item_size({"ok": {"BOOL": True}}) == 3
    assert item_size({"m": {"M": {"a": {"S": "xy"}}}}) == 1 + 3 + (1 + 1 + 2)


def test_units_round_up_per_request_and_never_go_below_one():
    assert read_units(0, consistent=True) == 1
    assert read_units(4096, consistent=True) == 1
    assert read_units(4097, consistent=True) == 2
    assert read_units(4097, consistent=False) == 1
    assert write_units(10) == 1 and write_units(1025) == 2


def test_a_filtered_query_evaluates_the_items_just_below_its_start_key():
    recorder = Recorder(index_sizes={"USER#u": (["a", "b", "c", "d", "e"], [1, 2, 3, 4, 5])})
    params = {"ExpressionAttributeValues": {":pk": {"S": "USER#u"}}}
    assert recorder._evaluated_sizes(params, 2, 0) == [4, 5]  # newest first: e, d
    params["ExclusiveStartKey"] = {"updated_sk": {"S": "d"}}
    assert recorder._evaluated_sizes(params, 2, 100) == [102, 103]  # c, b, each with the index overhead
    assert recorder._evaluated_sizes(params, 10, 0) == [1, 2, 3]
