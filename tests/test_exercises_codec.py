"""The codec that carries cases and answers between the grader and a learner's kernel."""

import base64
import io
import json

import numpy as np
import pytest

from nnlessons.exercises import (
    EXERCISES,
    CodecError,
    Source,
    decode,
    dumps,
    encode,
    encode_case,
    get_exercise,
    judge_encoded,
    loads,
    run_encoded,
)


@pytest.mark.parametrize("value", [
    None, True, 0, -3, 2 ** 70, 1.5, "text", [], (), {}, [1, (2.0, None)], {"a": [1, 2]},
    np.arange(6.0).reshape(2, 3), np.array(3.5), np.zeros((0, 4)), np.array([True, False]),
    np.arange(5, dtype=np.int32), np.array([1, 2], dtype=np.uint8),
    np.ones((2, 2, 2), dtype=np.float32), np.asfortranarray(np.arange(6.0).reshape(2, 3)),
    np.arange(10.0)[::3],
])
def test_round_trip_keeps_values_and_types(value):
    back = loads(dumps(value))
    assert type(back) is type(value)
    if isinstance(value, np.ndarray):
        assert back.dtype == value.dtype and back.shape == value.shape
        assert np.array_equal(back, value)
    else:
        assert back == value


def test_numpy_scalars_and_special_floats_round_trip():
    for value in (np.float64(0.1), np.float32(2.5), np.int64(-7), np.bool_(True)):
        back = loads(dumps(value))
        assert type(back) is type(value) and back == value
    nan, inf, minus_inf = loads(dumps([float("nan"), float("inf"), float("-inf")]))
    assert np.isnan(nan) and inf == np.inf and minus_inf == -np.inf
    text = dumps(np.array([np.nan, 1.0]))
    json.loads(text, parse_constant=lambda c: pytest.fail(f"non-standard JSON {c}"))
    assert np.isnan(loads(text)[0])


def test_functions_travel_as_source_text():
    square = loads(dumps(Source("lambda x: x ** 2")))
    assert type(square) is Source and square(3) == 9
    named = loads(dumps(Source("def g(x):\n    return np.sum(x) + 1\n", name="g")))
    assert named(np.ones(3)) == 4.0
    assert repr(square) == "lambda x: x ** 2"


def test_source_runs_in_a_fresh_namespace():
    leak = Source("lambda: sorted(k for k in globals() if not k.startswith('__'))")
    assert leak() == ["np"]


@pytest.mark.parametrize("value", [
    {1, 2}, b"bytes", 1 + 2j, {1: "a"}, object(), np.array([object()]),
    np.array(["a"]), np.array([1 + 1j]), np.arange(3).view(type("Sub", (np.ndarray,), {})),
    type("F", (float,), {})(1.0), type("L", (list,), {})([1]), lambda x: x,
])
def test_encode_refuses_other_types(value):
    with pytest.raises(CodecError):
        encode(value)


def _npy_base64(array, allow_pickle):
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=allow_pickle)
    return base64.b64encode(buffer.getvalue()).decode()


def test_decode_refuses_pickled_and_object_arrays():
    pickled = _npy_base64(np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(CodecError):
        decode({"__ndarray__": pickled})
    strings = _npy_base64(np.array(["x"]), allow_pickle=False)
    with pytest.raises(CodecError, match="numbers"):
        decode({"__ndarray__": strings})
    with pytest.raises(CodecError):
        decode({"__ndarray__": "not base64 !!"})


@pytest.mark.parametrize("obj", [
    {"__unknown__": 1}, {"__tuple__": 1}, {"__float__": "1e5"}, {}, {"a": 1, "b": 2},
    {"__source__": 5, "name": None}, {"__npscalar__": _npy_base64(np.arange(3), False)},
])
def test_decode_refuses_malformed_payloads(obj):
    with pytest.raises(CodecError):
        decode(obj)


def test_results_never_carry_functions():
    with pytest.raises(CodecError, match="functions"):
        loads(dumps(Source("lambda: 0")), allow_source=False)
    nested = dumps([1, (Source("lambda: 0"),)])
    with pytest.raises(CodecError):
        loads(nested, allow_source=False)


def test_encoded_runner_matches_in_process_checks():
    for name, exercise in EXERCISES.items():
        for case in exercise.cases(hidden=True, seed=2):
            reply = run_encoded(exercise.reference, encode_case(exercise, case))
            result = judge_encoded(exercise, case, reply)
            assert result.passed, (name, case.label, result.message)


def test_encoded_runner_reports_impostors_and_errors():
    exercise = get_exercise("sigmoid")
    case = exercise.cases()[1]
    payload = encode_case(exercise, case)

    class Sneaky:
        def __eq__(self, other):
            return True

    reply = json.loads(run_encoded(lambda z: Sneaky(), payload))
    assert reply["status"] == "bad_type"
    assert "returned a Sneaky" in judge_encoded(exercise, case, json.dumps(reply)).message
    assert judge_encoded(exercise, case, run_encoded(lambda z: 1 / 0, payload)).message \
        .startswith("raised ZeroDivisionError")
    stub = judge_encoded(exercise, case, run_encoded(_stub, payload))
    assert stub.not_done and not stub.passed


def _stub(z):
    raise NotImplementedError


@pytest.mark.parametrize("reply", [
    "not json", "[]", json.dumps({"status": "ok"}),
    json.dumps({"status": "ok", "value": {"__source__": "lambda: 0.999", "name": None}}),
    json.dumps({"status": "ok", "value": {"__ndarray__": _npy_base64(
        np.array([0.999], dtype=object), True)}}),
    json.dumps({"status": "ok", "value": 0.999, "mutated": "x"}),
    json.dumps({"status": "error", "error": ["x"]}),
    json.dumps({"status": "ok", "value": [[[[]]]] * 3}),
    "[" * 100000 + "]" * 100000,
])
def test_judge_encoded_fails_malformed_replies_without_raising(reply):
    exercise = get_exercise("sigmoid")
    case = exercise.cases()[1]
    result = judge_encoded(exercise, case, reply)
    assert not result.passed


def test_hidden_error_messages_are_not_shown():
    exercise = get_exercise("double")
    secret = exercise.cases(hidden=True, seed=0)[-1]

    def leaky(x):
        raise ValueError(f"my input was {x!r}")

    result = judge_encoded(exercise, secret, run_encoded(leaky, encode_case(exercise, secret)))
    assert result.message.startswith("raised ValueError")
    assert "my input was array" not in result.message     # the line of code is shown, not the text
    assert "line 2 of your function" in result.message
