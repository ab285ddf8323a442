"""The learner's own network: the ``backprop`` (lesson 05) and ``train_sgd`` (lesson 06)
exercises, their judges' messages, and the questions and quoted numbers of lessons 05-07."""

import ast
import json
import re
from pathlib import Path

import numpy as np
import pytest

import nnlessons as nl
from nnlessons.exercises import QUESTIONS, bank_training, check, get_exercise, grade
from nnlessons.exercises.codec import Source

ROOT = Path(__file__).resolve().parent.parent
LESSONS = ("05_backprop", "06_sgd", "07_optimizers")


def _messages(report):
    return " | ".join(c.message for c in report.failures())


def _scaled(factor_of):
    """A backprop whose every gradient is the right one times factor_of(Y)."""
    def backprop(weights, biases, X, Y):
        dW, db = get_exercise("backprop").reference(weights, biases, X, Y)
        k = factor_of(np.asarray(Y))
        return [d * k for d in dW], [d * k for d in db]
    return backprop


# --- backprop ---

@pytest.mark.parametrize("sizes, n", [((2, 2, 1), 1), ((2, 2, 1), 4), ((3, 5, 4, 3), 6),
                                      ((4, 2), 3), ((2, 3, 3, 3, 1), 8)])
def test_backprop_reference_agrees_with_the_package(sizes, n):
    net = nl.MLP(list(sizes), rng=1)
    rng = np.random.default_rng(2)
    X, Y = rng.normal(size=(n, sizes[0])), rng.uniform(size=(n, sizes[-1]))
    dW, db = get_exercise("backprop").reference(net.weights, net.biases, X, Y)
    pW, pb = net.gradients(X, Y, loss="mse")
    assert len(dW) == len(pW) == len(sizes) - 1
    for mine, package in zip(dW + db, pW + pb, strict=True):
        assert mine.shape == package.shape
        assert np.allclose(mine, package, rtol=1e-10, atol=1e-14)


def test_backprop_first_public_case_is_alice():
    exercise = get_exercise("backprop")
    alice = exercise.cases()[0]
    dW, _ = exercise.reference(*alice.args)
    assert round(float(dW[0][0, 0]), 4) == 0.0215          # 0.0214 from rounded factors
    assert "Alice" in alice.label and "0.0214" in alice.label


def test_backprop_reference_and_stub():
    assert grade("backprop", get_exercise("backprop").reference, seed=5).passed
    report = check("backprop", lambda *args: (_ for _ in ()).throw(NotImplementedError))
    assert report.not_done and report.score == 0


@pytest.mark.parametrize("wrong, words", [
    (_scaled(lambda Y: -1.0), "wrong sign"),
    (_scaled(lambda Y: 0.5), "half the right one"),
    (_scaled(lambda Y: float(Y.size)), "mean over all entries of Y"),
    (_scaled(lambda Y: float(Y.shape[1])), "not by the number of rows"),
])
def test_backprop_constant_factor_mistakes_are_named(wrong, words):
    report = grade("backprop", wrong)
    assert not report.passed
    assert words in _messages(report), _messages(report)


def test_backprop_shape_mistakes_are_named():
    reference = get_exercise("backprop").reference

    def transposed(weights, biases, X, Y):
        dW, db = reference(weights, biases, X, Y)
        return [d.T for d in dW], db

    def bias_rows(weights, biases, X, Y):
        dW, db = reference(weights, biases, X, Y)
        deltas = [np.tile(d, (len(X), 1)) / len(X) for d in db]
        return dW, deltas

    def last_layer_only(weights, biases, X, Y):
        dW, db = reference(weights, biases, X, Y)
        return dW[-1:], db[-1:]

    assert "A_prev.T @ delta" in _messages(grade("backprop", transposed))
    assert "delta.sum(axis=0)" in _messages(grade("backprop", bias_rows))
    assert "one array per layer" in _messages(grade("backprop", last_layer_only))
    assert "pair (dW, db)" in _messages(grade("backprop", lambda *a: reference(*a)[0]))


# --- train_sgd ---

def _gender():
    X, y = nl.datasets.gender()
    return X, y.reshape(-1, 1)


def test_train_sgd_reference_repeats_nl_fit_to_the_last_digit():
    X, Y = _gender()
    start = nl.MLP([2, 2, 1], rng=0)
    weights, biases, losses = get_exercise("train_sgd").reference(  # the lesson's functions
        start.weights, start.biases, X, Y, _sigmoid_forward, get_exercise("backprop").reference,
        get_exercise("sgd_step").reference, 0.1, 50, 1, 0)
    history = nl.fit(start, X, Y, loss="mse", optimizer="sgd", learning_rate=0.1,
                     n_epochs=50, batch_size=1, rng=0)
    assert np.array_equal(losses, history.loss)
    for mine, package in zip(weights + biases, start.parameters(), strict=True):
        assert np.array_equal(mine, package)


def _sigmoid_forward(weights, biases, X):
    A = np.asarray(X, dtype=float)
    for W, b in zip(weights, biases, strict=True):
        A = nl.sigmoid(A @ W + b)
    return A


def test_the_functions_sent_to_the_learner_answer_no_exercise():
    """They reach the learner's kernel: none may be the reference of another exercise."""
    forward, backprop, update = bank_training._functions()
    assert all(type(f) is Source for f in (forward, backprop, update))
    net = nl.MLP([3, 4, 2], rng=3)
    X, Y = np.random.default_rng(0).normal(size=(5, 3)), np.eye(5, 2)
    assert not np.allclose(forward(net.weights, net.biases, X), net.forward(X))
    sent = backprop(net.weights, net.biases, X, Y)
    ref = get_exercise("backprop").reference(net.weights, net.biases, X, Y)
    assert not np.allclose(sent[0][0], ref[0][0])
    assert not np.allclose(update([np.ones(2)], [np.ones(2)], 0.5)[0],
                           get_exercise("sgd_step").reference([np.ones(2)], [np.ones(2)], 0.5)[0])
    assert np.allclose(update([np.ones(2)], [np.ones(2)], 0.5)[0], 0.5 - 0.5e-3)

    def loss(flat):  # backprop is the true gradient of forward's MSE
        w = [flat[:12].reshape(3, 4), flat[12:20].reshape(4, 2)]
        return np.mean((forward(w, [net.biases[0], net.biases[1]], X) - Y) ** 2)

    flat = np.concatenate([net.weights[0].ravel(), net.weights[1].ravel()])
    numeric = np.array([(loss(flat + e) - loss(flat - e)) / 2e-6 for e in np.eye(20) * 1e-6])
    assert np.allclose(np.concatenate([sent[0][0].ravel(), sent[0][1].ravel()]), numeric,
                       atol=1e-7)


def test_train_sgd_reference_passes_and_the_stub_is_not_done():
    exercise = get_exercise("train_sgd")
    for seed in range(3):
        assert grade("train_sgd", exercise.reference, seed=seed).passed
    report = check("train_sgd", lambda *args: (_ for _ in ()).throw(NotImplementedError))
    assert report.not_done and report.score == 0


def _loop(order_of, loss_every_batch=False, in_place=False):
    """A train_sgd with a chosen shuffling, and optionally two classic mistakes."""
    def train_sgd(weights, biases, X, Y, forward, backprop, update, learning_rate, n_epochs,
                  batch_size, rng):
        rng = np.random.default_rng(rng)
        if not in_place:
            weights, biases = list(weights), list(biases)
        fixed = rng.permutation(len(X))
        losses = []
        for _ in range(n_epochs):
            order = order_of(rng, fixed, len(X))
            for start in range(0, len(X), batch_size):
                batch = order[start:start + batch_size]
                dW, db = backprop(weights, biases, X[batch], Y[batch])
                if in_place:
                    for p, g in zip(weights + biases, dW + db, strict=True):
                        p -= learning_rate * g
                else:
                    params = update(weights + biases, dW + db, learning_rate)
                    weights, biases = params[:len(weights)], params[len(weights):]
                if loss_every_batch:
                    losses.append(float(np.mean((forward(weights, biases, X) - Y) ** 2)))
            if not loss_every_batch:
                losses.append(float(np.mean((forward(weights, biases, X) - Y) ** 2)))
        return weights, biases, losses
    return train_sgd


def test_train_sgd_wrong_shuffles_are_named():
    in_order = grade("train_sgd", _loop(lambda rng, fixed, n: np.arange(n)))
    assert not in_order.passed
    assert "original order" in _messages(in_order)
    same = grade("train_sgd", _loop(lambda rng, fixed, n: fixed))
    assert not same.passed
    assert "same order was used in every epoch" in _messages(same)


def test_train_sgd_full_batches_pass_whatever_the_order():
    report = grade("train_sgd", _loop(lambda rng, fixed, n: np.arange(n)))
    passed = {c.label for c in report.cases if c.passed}
    assert any("all four per step" in label for label in passed)
    assert any("one batch of all rows" in label for label in passed)
    assert any("larger than the data" in label for label in passed)


def test_train_sgd_loss_per_batch_and_in_place_updates_are_reported():
    per_batch = grade("train_sgd", _loop(lambda rng, fixed, n: rng.permutation(n),
                                         loss_every_batch=True))
    assert "one number per epoch" in _messages(per_batch)
    in_place = grade("train_sgd", _loop(lambda rng, fixed, n: rng.permutation(n),
                                        in_place=True))
    assert "in place" in _messages(in_place)


def test_train_sgd_other_wrong_results():
    def no_tuple(*args):
        return get_exercise("train_sgd").reference(*args)[2]

    def wrong_rate(*args):
        args = list(args)
        args[7] *= 2
        return get_exercise("train_sgd").reference(*args)

    assert "(weights, biases, losses)" in _messages(grade("train_sgd", no_tuple))
    assert "wrong value" in _messages(grade("train_sgd", wrong_rate))


# --- the lessons' questions and quoted numbers ---

def _notebook(folder, lesson):
    return json.loads((ROOT / folder / f"{lesson}.ipynb").read_text())


def _question_cells(nb):
    for cell in nb["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and "nl.answer(" in source:
            yield source


@pytest.mark.parametrize("lesson", LESSONS)
def test_each_lesson_asks_questions_and_the_solutions_answer_them_right(lesson):
    asked = []
    for source in _question_cells(_notebook("solutions", lesson)):
        qid = re.search(r'nl\.answer\("([^"]+)"', source).group(1)
        value = ast.literal_eval(re.search(r"answer = (.+)", source).group(1))
        assert QUESTIONS[qid].check(value).right, qid
        asked.append(qid)
    assert len(asked) >= 4 and len(set(asked)) == len(asked)
    assert all(q.startswith(lesson[:2] + ".") for q in asked)
    learner = list(_question_cells(_notebook("notebooks", lesson)))
    assert len(learner) == len(asked)
    assert all("answer = None" in s and "BEGIN SOLUTION" not in s for s in learner)


def test_at_least_ten_questions_in_lessons_05_to_07():
    ids = [q for q in QUESTIONS if q[:2] in ("05", "06", "07")]
    assert len(ids) >= 10
    for qid in ids:
        assert QUESTIONS[qid].explanation and QUESTIONS[qid].nudge


NUMBER = re.compile(r"(?<![\w.])-?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+%?|\d+%|\d{4,})(?!\w)")


def _numbers(text):
    return {m.group(0).lstrip("-") for m in NUMBER.finditer(text)}


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_quoted_number_is_in_a_checked_output_or_given(lesson):
    nb = _notebook("solutions", lesson)
    shown = set(nb["metadata"]["nnlessons"]["given_numbers"])
    for cell in nb["cells"]:
        if cell["cell_type"] == "code" and "".join(cell["source"]).startswith(
                "# NBVAL_CHECK_OUTPUT"):
            assert cell["outputs"], "a checked cell without stored output"
            for output in cell["outputs"]:
                text = output.get("text") or output.get("data", {}).get("text/plain", "")
                shown |= _numbers("".join(text))
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "markdown":
            missing = _numbers("".join(cell["source"])) - shown
            assert not missing, (lesson, index, missing)


@pytest.mark.parametrize("lesson", LESSONS)
def test_lessons_name_no_source_documents(lesson):
    text = json.dumps(_notebook("solutions", lesson)["cells"]).lower()
    for words in ("the slides", "seed slides", "the seed", "crash course"):
        assert words not in text, words
