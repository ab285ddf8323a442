"""Tests for nnlessons.initializers: the registry of weight initialisations."""

import numpy as np
import pytest

from nnlessons import network
from nnlessons.initializers import INITIALIZERS, Initializer, get_initializer
from nnlessons.network import MLP


def test_registry_names_and_the_network_uses_it():
    assert list(INITIALIZERS) == ["normal", "xavier", "he", "zeros"]
    assert network.INITIALIZERS is INITIALIZERS
    assert all(isinstance(init, Initializer) and init.name == name
               for name, init in INITIALIZERS.items())


def test_initializers_draw_from_rng():
    a, b = MLP([3, 4, 2], rng=5), MLP([3, 4, 2], rng=5)
    assert all(np.array_equal(p, q) for p, q in zip(a.parameters(), b.parameters(), strict=True))
    c = MLP([3, 4, 2], rng=np.random.default_rng(6))
    assert not np.array_equal(a.weights[0], c.weights[0])
    big = {init: MLP([400, 300], init=init, rng=0) for init in INITIALIZERS}
    assert big["normal"].weights[0].std() == pytest.approx(1.0, rel=0.02)
    assert big["normal"].biases[0].std() == pytest.approx(1.0, rel=0.15)
    assert big["xavier"].weights[0].std() == pytest.approx(np.sqrt(2 / 700), rel=0.02)
    assert big["he"].weights[0].std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    assert not big["xavier"].biases[0].any() and not big["he"].biases[0].any()
    assert not any(p.any() for p in big["zeros"].parameters())


def test_normal_is_nielsens_draw_in_order():
    rng = np.random.default_rng(0)
    W0, b0, W1, b1 = (rng.standard_normal((2, 3)), rng.standard_normal(3),
                      rng.standard_normal((3, 1)), rng.standard_normal(1))
    net = MLP([2, 3, 1], rng=0)
    for p, q in zip(net.parameters(), [W0, W1, b0, b1], strict=True):
        np.testing.assert_array_equal(p, q)


def test_a_home_made_initializer():
    ones = Initializer("ones", lambda n_in, n_out, rng: (np.ones((n_in, n_out)), np.ones(n_out)))
    net = MLP([2, 3], init=ones)
    assert net.weights[0].tolist() == [[1, 1, 1]] * 2 and get_initializer(ones) is ones


@pytest.mark.parametrize("init, error, words", [
    ("glorot", ValueError, "init must be one of 'normal', 'xavier', 'he', 'zeros'; got 'glorot'"),
    (3, TypeError, "init must be a name"),
])
def test_unknown_initializer(init, error, words):
    with pytest.raises(error, match=words):
        MLP([2, 1], init=init)
