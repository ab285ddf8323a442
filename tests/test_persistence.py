"""Tests for nnlessons.persistence: MLP.save and MLP.load, the .npz format, bad files."""

import pickle
import zipfile

import numpy as np
import pytest

import nnlessons as nl
from nnlessons import persistence
from nnlessons.activations import get_activation
from nnlessons.network import MLP


def test_save_load_round_trip_is_exact(tmp_path):
    net = MLP([3, 5, 4, 2], activation=get_activation("leaky_relu", slope=0.2),
              output_activation="softmax", init="he", rng=3)
    path = net.save(tmp_path / "net.npz")
    back = MLP.load(path)
    assert back.layer_sizes == net.layer_sizes
    assert back.activation == net.activation and back.activation.params == {"slope": 0.2}
    assert back.output_activation.name == "softmax"
    for p, q in zip(net.parameters(), back.parameters(), strict=True):
        assert np.array_equal(p, q) and p.dtype == q.dtype
    X = np.random.default_rng(0).standard_normal((6, 3))
    assert np.array_equal(back.forward(X), net.forward(X))
    assert repr(back) == repr(net)


def test_save_adds_the_suffix_and_accepts_str(tmp_path):
    path = MLP([2, 1], rng=0).save(str(tmp_path / "model"))
    assert path.name == "model.npz" and path.exists()
    assert MLP.load(str(path)).layer_sizes == (2, 1)


def test_saved_file_holds_no_objects(tmp_path):
    path = MLP([2, 2, 1], rng=0).save(tmp_path / "n.npz")
    with np.load(path, allow_pickle=False) as data:
        assert {"format", "spec", "layer_sizes", "W0", "W1", "b0", "b1"} == set(data.files)
        assert all(data[k].dtype != object for k in data.files)


PICKLE_RAN = []


def _mark():
    PICKLE_RAN.append(True)
    return "unpickled!"


class Trap:
    """Unpickling this calls _mark: a stand-in for code hidden in a file."""

    def __reduce__(self):
        return (_mark, ())


def _rewrite(path, **changes):
    """A copy of a saved network's arrays with some entries replaced (None deletes)."""
    with np.load(path, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    for key, value in changes.items():
        if value is None:
            arrays.pop(key)
        else:
            arrays[key] = value
    np.savez(path, **arrays)
    return path


@pytest.mark.parametrize(
    "damage, words",
    [
        ("corrupt", "is not a network saved by MLP.save"),
        ("truncated", "is not a network saved by MLP.save"),
        ("foreign", "missing format, spec, layer_sizes"),
        ("object", "Object arrays cannot be loaded"),
        ("pickle", "is not a network saved by MLP.save"),
        ("npy", "single array"),
        ("missing_W1", "missing W1"),
        ("bad_tag", "unknown format tag"),
        ("bad_shape", r"W0 must be a float array of shape \(2, 3\)"),
        ("int_weights", "W0 must be a float array"),
        ("nan_weights", "W0 must contain only finite numbers"),
        ("bad_activation", "activation must be one of"),
        ("bad_spec", "bad activation entry"),
        ("bad_sizes", "layer_sizes must be a 1-D array of >= 2 positive ints"),
        ("zero_size", "layer_sizes must be a 1-D array of >= 2 positive ints"),
        ("bad_params", "leaky_relu takes only the parameter 'slope'"),
    ],
)
def test_load_rejects_bad_files_without_unpickling(tmp_path, damage, words):
    path = MLP([2, 3, 1], rng=0).save(tmp_path / "net.npz")
    if damage == "corrupt":
        path.write_bytes(b"this is not a zip file at all")
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[:200])
    elif damage == "foreign":
        rng = np.random.default_rng(0)
        np.savez(path, a=rng.standard_normal(3), b=rng.standard_normal((2, 2)))
    elif damage == "object":
        _rewrite(path, W0=np.array([Trap(), 1], dtype=object))
    elif damage == "pickle":
        path.write_bytes(pickle.dumps({"W0": Trap()}))
    elif damage == "npy":
        path = tmp_path / "array.npy"
        np.save(path, np.zeros(3))
    elif damage == "missing_W1":
        _rewrite(path, W1=None)
    elif damage == "bad_tag":
        _rewrite(path, format=np.array("somebody.else/9"))
    elif damage == "bad_shape":
        _rewrite(path, W0=np.zeros((3, 2)))
    elif damage == "int_weights":
        _rewrite(path, W0=np.zeros((2, 3), dtype=int))
    elif damage == "nan_weights":
        _rewrite(path, W0=np.full((2, 3), np.nan))
    elif damage == "bad_activation":
        _rewrite(path, spec=np.array('{"activation": ["swish", {}], '
                                     '"output_activation": ["sigmoid", {}]}'))
    elif damage == "bad_spec":
        _rewrite(path, spec=np.array('{"activation": "relu"}'))
    elif damage == "bad_sizes":
        _rewrite(path, layer_sizes=np.array([2.0, 3.0, 1.0]))
    elif damage == "zero_size":
        _rewrite(path, layer_sizes=np.array([2, 0, 1]))
    elif damage == "bad_params":
        _rewrite(path, spec=np.array('{"activation": ["leaky_relu", {"alpha": 1}], '
                                     '"output_activation": ["sigmoid", {}]}'))
    with pytest.raises(ValueError, match=words) as err:
        MLP.load(path)
    assert str(path) in str(err.value)
    assert PICKLE_RAN == []


def test_save_refuses_home_made_activations(tmp_path):
    square = nl.activations.Activation("square", lambda z: z * z, lambda z: 2 * z)
    with pytest.raises(ValueError, match="a saved network's activation must be one of"):
        MLP([2, 1], activation=square).save(tmp_path / "net.npz")
    assert not (tmp_path / "net.npz").exists()


def test_load_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        MLP.load(tmp_path / "nothing.npz")


def test_object_array_file_really_contains_a_pickle(tmp_path):
    # guard for the test above: the damaged file would run _mark if it were unpickled
    path = MLP([2, 3, 1], rng=0).save(tmp_path / "net.npz")
    _rewrite(path, W0=np.array([Trap(), 1], dtype=object))
    assert zipfile.is_zipfile(path)
    with np.load(path, allow_pickle=True) as data:
        assert data["W0"][0] == "unpickled!"
    assert PICKLE_RAN == [True]
    PICKLE_RAN.clear()


def test_load_builds_the_network_with_from_parameters(tmp_path, monkeypatch):
    path = MLP([2, 3, 1], activation="tanh", rng=0).save(tmp_path / "net.npz")
    calls = []
    original = MLP.from_parameters.__func__

    def spy(cls, weights, biases, **kwargs):
        calls.append(([W.shape for W in weights], kwargs["activation"].name))
        return original(cls, weights, biases, **kwargs)

    monkeypatch.setattr(MLP, "from_parameters", classmethod(spy))
    assert MLP.load(path).layer_sizes == (2, 3, 1)
    assert calls == [([(2, 3), (3, 1)], "tanh")]


def test_a_loaded_network_has_every_attribute_of_a_new_one(tmp_path):
    net = MLP([2, 3, 1], rng=0)
    back = MLP.load(net.save(tmp_path / "net.npz"))
    assert set(vars(back)) == set(vars(net))


def test_persistence_module_functions(tmp_path):
    net = MLP([2, 2], output_activation="softmax", rng=1)
    back = persistence.load(persistence.save(net, tmp_path / "a"))
    assert isinstance(back, MLP) and back.output_activation.name == "softmax"
