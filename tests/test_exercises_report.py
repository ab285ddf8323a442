"""Reports as learners see them, and the bank's references against independent ones."""

import sys
import types

import numpy as np
import pytest
from conftest import require

import nnlessons as nl
from nnlessons.exercises import EXERCISES, CaseResult, Report, check, get_exercise
from nnlessons.exercises import report as report_module


def test_nl_check_is_the_banks_check():
    assert nl.check is check
    assert nl.exercises.EXERCISES is EXERCISES


def test_text_and_html_show_every_case():
    report = check("relu", lambda z: np.maximum(z, 0) + (np.size(z) == 1))
    text = str(report)
    assert text.splitlines()[0] == "relu: 1 of 3 cases right"
    assert "  ✓ relu(np.array([-2., 0., 3.])) is right" in text
    assert "  ✗ relu(-0.5): wrong value: got 1, expected 0; hint: relu(z) = max(0, z)" in text
    assert repr(report) == text
    html = report._repr_html_()
    assert html.count("✓") == 1 and html.count("✗") == 2
    assert report._repr_mimebundle_()["text/plain"] == text


def test_html_escapes_learner_text():
    report = Report("x", [CaseResult("<b>label</b>", False, "raised E: <script>")])
    html = report._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_score_and_points():
    report = Report("x", [CaseResult("a", True, "is right"), CaseResult("b", False, "no"),
                          CaseResult("c", True, "is right"), CaseResult("d", False, "no")],
                    points=2)
    assert (report.passed, report.score, report.earned, report.n_passed) == (False, 0.5, 1.0, 2)
    assert Report("x", []).score == 0.0 and not Report("x", []).passed


class FakeShell:
    execution_count = 1


@pytest.fixture
def shell(monkeypatch):
    """A stand-in for IPython: records what is displayed, cell by cell."""
    shell, shown = FakeShell(), []
    monkeypatch.setattr(report_module, "_ipython", lambda: shell)
    display_module = types.ModuleType("IPython.display")
    display_module.display = lambda obj, raw=False: shown.append(obj)
    monkeypatch.setitem(sys.modules, "IPython.display", display_module)
    return shell, shown


def test_check_displays_once_per_cell(shell):
    fake, shown = shell
    report = check("double", lambda x: 2 * x)
    assert len(shown) == 1 and shown[0]["text/plain"].startswith("double: all")
    report._ipython_display_()            # the same cell ends with the report: not again
    assert len(shown) == 1
    fake.execution_count = 2              # a later cell shows it when asked
    report._ipython_display_()
    assert len(shown) == 2


def test_outside_ipython_check_prints_nothing(capsys):
    check("double", lambda x: 2 * x)
    assert capsys.readouterr().out == ""


def test_gender_partials_agree_with_the_package_network():
    exercise = get_exercise("gender_partials")
    for case in exercise.cases(hidden=True, seed=4):
        x, y_true, w, b = (np.asarray(v, dtype=float) for v in case.args)
        net = nl.MLP([2, 2, 1], activation="sigmoid")
        # h1 = f(w1 x1 + w2 x2 + b1), h2 = f(w3 x1 + w4 x2 + b2): W[0] columns are neurons.
        net.weights[0][:] = [[w[0], w[2]], [w[1], w[3]]]
        net.weights[1][:] = [[w[4]], [w[5]]]
        net.biases[0][:] = b[:2]
        net.biases[1][:] = b[2:]
        dW, db = net.gradients(x[None, :], np.array([[y_true]]), loss="mse")
        from_net = [dW[0][0, 0], dW[0][1, 0], dW[0][0, 1], dW[0][1, 1], dW[1][0, 0],
                    dW[1][1, 0], db[0][0], db[0][1], db[1][0]]
        assert np.allclose(exercise.expected(case), from_net, rtol=1e-9, atol=1e-12)


def test_gender_partials_agree_with_central_differences():
    exercise = get_exercise("gender_partials")
    x, y_true, w, b = np.array([-2.0, -1.0]), 1.0, np.ones(6), np.zeros(3)
    theta = np.concatenate([w, b])

    def loss(t):
        f = nl.sigmoid
        h1 = f(t[0] * x[0] + t[1] * x[1] + t[6])
        h2 = f(t[2] * x[0] + t[3] * x[1] + t[7])
        return (y_true - f(t[4] * h1 + t[5] * h2 + t[8])) ** 2

    numeric = get_exercise("numerical_gradient").reference(loss, theta)
    assert np.allclose(exercise.reference(x, y_true, w, b), numeric, atol=1e-9)


@pytest.mark.parametrize("name, optimizer", [("momentum_step", "momentum"), ("adam_step", "adam")])
def test_optimizer_steps_agree_with_the_package(name, optimizer):
    rng = np.random.default_rng(0)
    reference = get_exercise(name).reference
    theta = rng.normal(size=5)
    package_theta = theta.copy()
    opt = nl.optim.get_optimizer(optimizer, learning_rate=0.05)
    state = [np.zeros(5), np.zeros(5)]
    for t in range(1, 6):
        grad = rng.normal(size=5)
        opt.step([package_theta], [grad])
        if name == "momentum_step":
            theta, velocity = reference(theta, grad, state[0], 0.05, 0.9)
            state = [velocity]
        else:
            theta, m, v = reference(theta, grad, state[0], state[1], t, learning_rate=0.05)
            state = [m, v]
        assert np.allclose(theta, package_theta, rtol=1e-12)


@pytest.mark.slow  # imports torch
def test_adam_step_agrees_with_torch():
    torch = require("torch")
    rng = np.random.default_rng(1)
    start, grads = rng.normal(size=4), rng.normal(size=(3, 4))
    param = torch.tensor(start, requires_grad=True)
    opt = torch.optim.Adam([param], lr=0.01, betas=(0.8, 0.99), eps=1e-6)
    theta, m, v = start, np.zeros(4), np.zeros(4)
    for t, g in enumerate(grads, start=1):
        param.grad = torch.tensor(g)
        opt.step()
        theta, m, v = get_exercise("adam_step").reference(theta, g, m, v, t, 0.01, 0.8, 0.99,
                                                          1e-6)
    assert np.allclose(theta, param.detach().numpy(), rtol=1e-10)


@pytest.mark.slow  # imports scikit-learn
def test_data_exercises_agree_with_scikit_learn():
    metrics, model_selection = require("sklearn.metrics"), require("sklearn.model_selection")
    for case in get_exercise("confusion_matrix").cases(hidden=True, seed=5):
        y_true, y_pred, n_classes = case.args
        expected = metrics.confusion_matrix(y_true, y_pred, labels=range(n_classes))
        assert np.array_equal(get_exercise("confusion_matrix").expected(case), expected)
    for n_samples, k in [(10, 5), (7, 3), (23, 4)]:
        ours = get_exercise("k_fold_indices").reference(n_samples, k)
        theirs = list(model_selection.KFold(k).split(np.zeros(n_samples)))
        for (train, val), (train_ref, val_ref) in zip(ours, theirs, strict=True):
            assert np.array_equal(train, train_ref) and np.array_equal(val, val_ref)


def test_polynomial_features_match_vander():
    x = np.linspace(-1, 1, 7)
    assert np.allclose(get_exercise("polynomial_features").reference(x, 4),
                       np.vander(x, 5, increasing=True))


def test_property_judges_accept_any_right_answer_and_catch_mistakes():
    split = get_exercise("split_indices")
    case = split.cases()[1]                    # split_indices(100, 0.1, 0.3, 1)
    perm = np.random.default_rng(99).permutation(100)
    assert split.judge(case, (perm[:60], perm[60:70], perm[70:])) is None
    assert split.judge(case, [list(perm[:60]), list(perm[60:70]), list(perm[70:])]) is None
    overlap = (perm[:60], perm[59:69], perm[70:])
    assert "appears twice" in split.judge(case, overlap)
    assert "integer indices" in split.judge(case, (perm[:60] * 1.0, perm[60:70], perm[70:]))
    assert "val_idx has 11 indices, expected 10" in split.judge(
        case, (perm[:59], perm[59:70], perm[70:]))
    batches = get_exercise("minibatches")
    case = batches.cases()[0]                  # minibatches(10, 4, 0)
    assert batches.judge(case, [perm[perm < 10][:4], perm[perm < 10][4:8],
                                perm[perm < 10][8:]]) is None
    assert "returned 2 batches, expected 3" in batches.judge(case, [np.arange(4), np.arange(4)])
    assert "out of range" in batches.judge(case, [np.arange(4), np.arange(4, 8),
                                                  np.array([8, 10])])
