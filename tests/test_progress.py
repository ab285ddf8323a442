"""Tests for nnlessons.progress: one line rewritten in place, in a terminal or a kernel."""

import io

import pytest
from conftest import require

import nnlessons as nl
from nnlessons import progress
from nnlessons.progress import _Progress


class Clock:
    """A clock the test moves by hand: no test depends on wall-clock time."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_not_in_a_kernel_here():
    assert progress._in_kernel() is False


def test_terminal_line_is_rewritten_with_carriage_returns(monkeypatch):
    stdout = io.StringIO()
    monkeypatch.setattr("sys.stdout", stdout)
    line = _Progress(interval=0.1, clock=Clock())
    line.show("epoch 1/2  loss=0.5")
    line.show("epoch 2/2  loss=0.25", final=True)
    line.close()
    assert stdout.getvalue() == "\repoch 1/2  loss=0.5\repoch 2/2  loss=0.25\n"


def test_updates_are_throttled_by_the_interval(monkeypatch):
    stdout = io.StringIO()
    monkeypatch.setattr("sys.stdout", stdout)
    clock = Clock()
    line = _Progress(interval=0.1, clock=clock)
    line.show("a")
    clock.now = 0.05
    line.show("b")                       # too soon: skipped
    clock.now = 0.2
    line.show("c")
    clock.now = 0.21
    line.show("d", final=True)           # the last line always shows
    assert stdout.getvalue().split("\r")[1:] == ["a", "c", "d"]


def test_a_shorter_line_blanks_the_end_of_the_longer_one(monkeypatch):
    stdout = io.StringIO()
    monkeypatch.setattr("sys.stdout", stdout)
    line = _Progress(clock=Clock())
    line.show("long line")
    line.show("short", final=True)
    assert stdout.getvalue().endswith("\rshort    ")


def test_in_a_kernel_one_display_is_updated_in_place(monkeypatch):
    display_module = require("IPython.display")
    calls = []

    class FakeHandle:
        def update(self, obj, **kwargs):
            calls.append(("update", obj["text/plain"], kwargs))

    def fake_display(obj, **kwargs):
        calls.append(("display", obj["text/plain"], kwargs))
        return FakeHandle()

    monkeypatch.setattr("nnlessons.progress._in_kernel", lambda: True)
    monkeypatch.setattr(display_module, "display", fake_display)
    stdout = io.StringIO()
    monkeypatch.setattr("sys.stdout", stdout)
    X, y = nl.datasets.gender()
    nl.fit(nl.MLP([2, 2, 1], rng=0), X, y, learning_rate=0.1, n_epochs=3, batch_size=1, rng=0,
           progress=True)
    assert calls[0][0] == "display" and calls[0][2] == {"raw": True, "display_id": True}
    assert all(kind == "update" for kind, _, _ in calls[1:]) and len(calls) >= 2
    assert calls[-1][1].startswith("epoch 3/3  loss=")
    assert stdout.getvalue() == ""                       # nothing on stdout in a kernel


def test_fit_in_a_terminal_prints_one_carriage_return_line(capsys):
    X, y = nl.datasets.gender()
    nl.fit(nl.MLP([2, 2, 1], rng=0), X, y, learning_rate=0.1, n_epochs=5, batch_size=1, rng=0,
           progress=True)
    out = capsys.readouterr().out
    assert out.startswith("\r") and out.endswith("\n") and out.count("\n") == 1
    assert "epoch 5/5" in out.split("\r")[-1] and "loss=" in out and "accuracy=" in out


@pytest.mark.slow
def test_in_a_headless_kernel_the_line_is_one_display(tmp_path):
    nbformat = require("nbformat")
    nbclient = require("nbclient")
    code = ("import nnlessons as nl\n"
            "X, y = nl.datasets.gender()\n"
            "history = nl.fit(nl.MLP([2, 2, 1], rng=0), X, y, learning_rate=0.1, n_epochs=50,\n"
            "                 batch_size=1, rng=0, progress=True)\n"
            "print(history.epochs_run)")
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    nbclient.NotebookClient(notebook, timeout=60, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = notebook.cells[0].outputs
    displays = [o for o in outputs if o.output_type == "display_data"]
    assert len(displays) == 1                            # one display, updated in place
    assert displays[0].data["text/plain"].startswith("epoch 50/50  loss=")
    assert any(o.output_type == "stream" and o.text.strip() == "50" for o in outputs)
