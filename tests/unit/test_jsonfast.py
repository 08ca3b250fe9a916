"""util.jsonfast gives exactly what the json module gives, without importing it on success."""

from __future__ import annotations

import json
import math

import pytest

from podpy.util import jsonfast

SAMPLES = [
    {"a": [1, 2.5, None, True, False, "x\u00e9\u2603"], "b": {}, "c": {"nested": [[], {}]}},
    [], "s", 12, -0.0, 1e300, "tab\tnew\nline\"quote\\", {"z": 1, "a": 2},
]


@pytest.mark.parametrize("value", SAMPLES)
def test_round_trips_like_json(value: object) -> None:
    for separators in ((", ", ": "), (",", ":")):
        for sort_keys in (False, True):
            text = jsonfast.dumps(value, separators=separators, sort_keys=sort_keys)
            assert text == json.dumps(value, separators=separators, sort_keys=sort_keys)
            assert jsonfast.loads(text) == json.loads(text)
    for indent in (1, 2, 4):
        for sort_keys in (False, True):
            assert jsonfast.dumps(value, indent=indent, sort_keys=sort_keys) == \
                json.dumps(value, indent=indent, sort_keys=sort_keys)


def test_indented_nested_and_keys() -> None:
    value = {"b": [1, {"x": [], "y": {}}, [[]], None], "a": {"k": (1, 2)}, 3: 1.5, True: math.inf, None: -0.0}
    assert jsonfast.dumps(value, indent=4) == json.dumps(value, indent=4)


def test_loads_accepts_what_json_accepts() -> None:
    assert jsonfast.loads(b' {"k": [1]} \n') == {"k": [1]}
    assert math.isnan(jsonfast.loads("NaN"))
    assert jsonfast.loads("-Infinity") == -math.inf


@pytest.mark.parametrize("text", ['{"a":1} x', "{bad", "", "[1,", '"\\x"'])
def test_errors_are_json_errors(text: str) -> None:
    with pytest.raises(json.JSONDecodeError) as ours:
        jsonfast.loads(text)
    with pytest.raises(json.JSONDecodeError) as theirs:
        json.loads(text)
    assert str(ours.value) == str(theirs.value)


def test_unserializable_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        jsonfast.dumps({"a": object()})
