"""Hidden cases: exercises that take rng must use it, and memorised answers earn nothing."""

import json

import numpy as np
import pytest

from nnlessons.exercises import EXERCISES, Kind, get_exercise, grade
from nnlessons.exercises.bank_data import _arranged
from nnlessons.exercises.runner import encode_case, judge_encoded, run_encoded

RNG_EXERCISES = [name for name, ex in EXERCISES.items() if ex.rng_param]


def test_the_exercises_with_random_answers_are_checked_for_their_rng():
    assert {"split_indices", "minibatches"} <= set(RNG_EXERCISES)
    for name in RNG_EXERCISES:
        exercise = EXERCISES[name]
        for case in exercise.cases(hidden=True, seed=0):
            assert len(exercise.repeat_calls(case)) == 4, (name, case.label)
            assert "repeats" in json.loads(encode_case(exercise, case))
    assert get_exercise("sigmoid").repeat_calls(get_exercise("sigmoid").cases()[0]) == []


def _cut(perm, n, val_size, test_size):
    n_val, n_test = round(n * val_size), round(n * test_size)
    return perm[n_val + n_test:], perm[:n_val], perm[n_val:n_val + n_test]


def _batches(perm, batch_size):
    return [perm[i:i + batch_size] for i in range(0, perm.size, batch_size)]


def _split(order):
    return lambda n, val_size, test_size, rng: _cut(order(n, rng), n, val_size, test_size)


def _minibatches(order):
    return lambda n, batch_size, rng: _batches(order(n, rng), batch_size)


ORDERS = {
    "reversed arange": lambda n, rng: np.arange(n)[::-1],
    "arange rolled by 3": lambda n, rng: np.roll(np.arange(n), 3),
    "arange rolled by the rng": lambda n, rng: np.roll(np.arange(n),
                                                       np.random.default_rng(rng).integers(n)),
    "a fixed stride": lambda n, rng: (np.arange(n) * 7) % n if np.gcd(7, n) == 1
    else np.arange(n)[::-1],
    "ignores rng (seed 42)": lambda n, rng: np.random.default_rng(42).permutation(n),
    "np.random's global shuffle": lambda n, rng: np.random.permutation(n),  # noqa: NPY002
    "reversed, then rolled by the rng": lambda n, rng: np.roll(
        np.arange(n)[::-1], np.random.default_rng(rng).integers(n)),
}


def _rng_wrong_answers():
    for what, order in ORDERS.items():
        yield "split_indices", what, _split(order)
        yield "minibatches", what, _minibatches(order)
    yield "minibatches", "shuffled batches, ordered inside", lambda n, b, rng: [
        _batches(np.arange(n), b)[i]
        for i in np.random.default_rng(rng).permutation(-(-n // b))]


def _telling(name, what, case):
    """Whether a case can tell a shuffle from a fixed pattern: two or more batches, and
    10 samples or more (smaller ones are only checked for ignoring the rng). Shuffled
    batches of one sample each are a right answer."""
    n_samples = case.args[0]
    if name == "minibatches" and what.startswith("shuffled batches") and case.args[1] == 1:
        return False
    return n_samples >= 10 and (name != "minibatches" or n_samples > case.args[1])


@pytest.mark.parametrize("name, what, fn", list(_rng_wrong_answers()),
                         ids=lambda v: v if isinstance(v, str) else "")
def test_answers_that_do_not_shuffle_with_the_rng_fail(name, what, fn):
    exercise = EXERCISES[name]
    for seed in (0, 1):
        cases = exercise.cases(hidden=True, seed=seed)
        report = grade(name, fn, seed=seed)
        for case, result in zip(cases, report.cases, strict=True):
            assert result.passed is False or not _telling(name, what, case), (what, str(report))
        assert any(c.kind is Kind.IGNORES_RNG for c in report.cases), (what, str(report))
    cases = exercise.cases(hidden=True, seed=5)
    for case in cases:
        result = judge_encoded(exercise, case, run_encoded(fn, encode_case(exercise, case)))
        assert result.passed is False or not _telling(name, what, case), (what, result)


def _split_by_choice(n, val_size, test_size, rng):
    perm = np.random.default_rng(rng).choice(n, size=n, replace=False)
    return _cut(perm, n, val_size, test_size)


def _batches_by_shuffle(n, batch_size, rng):
    perm = np.arange(n)
    np.random.default_rng(rng).shuffle(perm)
    return [b.tolist() for b in _batches(perm, batch_size)]


@pytest.mark.parametrize("name, fn", [("split_indices", _split_by_choice),
                                      ("minibatches", _batches_by_shuffle),
                                      ("split_indices", None), ("minibatches", None)])
def test_right_answers_pass_for_many_seeds(name, fn):
    exercise = EXERCISES[name]
    fn = fn or exercise.reference
    for seed in range(40):
        report = grade(name, fn, seed=seed)
        assert report.passed, str(report)
    for case in exercise.cases(hidden=True, seed=41):
        result = judge_encoded(exercise, case, run_encoded(fn, encode_case(exercise, case)))
        assert result.passed, result


def test_a_shuffle_is_never_taken_for_a_fixed_pattern():
    rng = np.random.default_rng(0)
    for n in list(range(10, 40)) + [50, 100, 299]:
        for _ in range(300):
            assert not _arranged(rng.permutation(n), n)
        assert _arranged(np.arange(n)[::-1], n) and _arranged(np.roll(np.arange(n), 4), n)


def test_a_reply_without_its_repeat_calls_fails():
    exercise = get_exercise("minibatches")
    case = exercise.cases(hidden=True)[-1]
    reply = json.loads(run_encoded(exercise.reference, encode_case(exercise, case)))
    assert judge_encoded(exercise, case, json.dumps(reply)).passed
    for repeats in ([], reply["repeats"][:2], "x", [reply["repeats"][0]] * 9):
        forged = dict(reply, repeats=repeats)
        assert not judge_encoded(exercise, case, json.dumps(forged)).passed
    del reply["repeats"]
    assert judge_encoded(exercise, case, json.dumps(reply)).kind is Kind.UNREADABLE


# --- memorised answers -------------------------------------------------------------------

def _key(args, kwargs):
    return repr((args, kwargs))


def _lookup_table(exercise):
    """A "solution" that only knows the public cases' answers."""
    table = {_key(c.args, c.kwargs): exercise.reference(*c.args, **c.kwargs)
             for c in exercise.public_cases}
    fallback = next(iter(table.values()))

    def memorised(*args, **kwargs):
        return table.get(_key(args, kwargs), fallback)

    return memorised


@pytest.mark.parametrize("name", list(EXERCISES))
def test_a_lookup_table_of_public_answers_passes_no_hidden_case(name):
    exercise = EXERCISES[name]
    memorised = _lookup_table(exercise)
    for seed in (0, 1, 2024):
        report = grade(name, memorised, seed=seed)
        public = [c for c in report.cases if c.public]
        hidden = [c for c in report.cases if not c.public]
        assert all(c.passed for c in public) or exercise.rng_param, str(report)
        assert not any(c.passed for c in hidden), str(report)


@pytest.mark.parametrize("name", list(EXERCISES))
def test_hidden_cases_differ_between_seeds(name):
    exercise = EXERCISES[name]
    n_public = len(exercise.public_cases)
    first = exercise.cases(hidden=True, seed=0)[n_public:]
    second = exercise.cases(hidden=True, seed=1)[n_public:]
    assert [c.label for c in first] == [c.label for c in second]
    for a, b in zip(first, second, strict=True):
        if not a.fixed:                      # a deliberate edge case may be the same
            assert _key(a.args, a.kwargs) != _key(b.args, b.kwargs), (name, a.label)
    assert sum(not c.fixed for c in first) >= len(first) / 2, name
    public = {_key(c.args, c.kwargs) for c in exercise.public_cases}
    assert not [c.label for c in first + second if _key(c.args, c.kwargs) in public]


def test_a_failure_on_a_repeat_call_says_which_seed_on_public_cases_only():
    def only_seed_zero(n_samples, batch_size, rng):
        if rng != 0:
            raise ValueError("no")
        return _batches(np.random.default_rng(rng).permutation(n_samples), batch_size)

    exercise = get_exercise("minibatches")
    first = exercise.cases()[0]
    result = judge_encoded(exercise, first, run_encoded(only_seed_zero,
                                                        encode_case(exercise, first)))
    assert result.kind is Kind.RAISED
    assert result.message.startswith("called again with rng=1013904223: raised ValueError")
    secret = exercise.cases(hidden=True)[-1]
    seed = secret.args[2]

    def only_this_seed(n_samples, batch_size, rng):
        return only_seed_zero(n_samples, batch_size, 0 if rng == seed else rng)

    result = judge_encoded(exercise, secret, run_encoded(only_this_seed,
                                                         encode_case(exercise, secret)))
    assert result.kind is Kind.RAISED and "called again with rng=another seed" in result.message
    assert str(result) == f"✗ {secret.label}: raised an exception"
