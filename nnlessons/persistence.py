"""Saving and loading an ``MLP`` as a ``.npz`` file of plain arrays, never a pickle.

``MLP.save`` and ``MLP.load`` (``nnlessons.network``) hand their work to this module. No
lesson depends on it: it keeps a trained network between sessions, such as the digits
network of lesson 10, and the README's quick start shows the round trip.

The file holds a format tag (``nnlessons.MLP/1``), a JSON ``spec`` with the name and
parameters of the two activations, ``layer_sizes`` and the arrays ``W0, b0, W1, b1, ...``.
Loading reads it with ``allow_pickle=False``, checks every entry and hands the arrays to
``MLP.from_parameters``, the network's own validated constructor. So a corrupt, foreign or
incomplete file raises a ValueError that names the file and the problem, nothing stored
in a file is ever executed, and a loaded network is built like any other.

Left out on purpose: pickle, ever (unpickling a file can run any code hidden in it);
home-made activations (only the names in ``ACTIVATIONS`` can be written); optimizer state
and training history; other formats and format versions.
"""

import json
from pathlib import Path

import numpy as np

from ._validation import as_float_array, check_in
from .activations import ACTIVATIONS, get_activation

_FORMAT = "nnlessons.MLP/1"


def save(net, path):
    """Write ``net`` to a ``.npz`` file (no pickle); the suffix ``.npz`` is added when missing.

    Parameters
    ----------
    net : MLP
        Its activations must come from ``ACTIVATIONS``.
    path : str or os.PathLike

    Returns
    -------
    pathlib.Path
        The file written.

    Examples
    --------
    >>> import tempfile, os
    >>> from nnlessons.network import MLP
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     with np.load(save(MLP([2, 1], rng=0), os.path.join(tmp, "net"))) as data:
    ...         sorted(data.files)
    ['W0', 'b0', 'format', 'layer_sizes', 'spec']
    """
    for act in (net.activation, net.output_activation):
        check_in(act.name, "a saved network's activation", ACTIVATIONS)
    path = Path(path)
    if path.suffix != ".npz":
        path = path.with_name(path.name + ".npz")
    spec = {"activation": [net.activation.name, net.activation.params],
            "output_activation": [net.output_activation.name, net.output_activation.params]}
    arrays = {f"W{layer}": W for layer, W in enumerate(net.weights)}
    arrays.update({f"b{layer}": b for layer, b in enumerate(net.biases)})
    np.savez(path, format=np.array(_FORMAT), spec=np.array(json.dumps(spec)),
             layer_sizes=np.array(net.layer_sizes, dtype=np.int64), **arrays)
    return path


def load(path, cls=None):
    """Read a network written by ``save``; never unpickles anything.

    Parameters
    ----------
    path : str or os.PathLike
    cls : type, optional
        The class of the network returned: ``MLP`` (the default) or a subclass of it.

    Returns
    -------
    MLP

    Raises
    ------
    ValueError
        When the file is not a network saved by ``MLP.save`` (corrupt, foreign or
        incomplete), naming the file and the problem.

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = os.path.join(tmp, "weights.npz")
    ...     np.savez(path, W0=np.zeros((2, 1)))
    ...     try:
    ...         load(path)
    ...     except ValueError as err:
    ...         print(str(err).split("MLP.save: ")[1])
    'missing format, spec, layer_sizes'
    """
    if cls is None:
        from .network import MLP

        cls = MLP
    try:
        data = np.load(path, allow_pickle=False)
        if not isinstance(data, np.lib.npyio.NpzFile):
            raise ValueError("it holds a single array, not a saved network")
        with data:
            contents = {key: data[key] for key in data.files}
    except (FileNotFoundError, PermissionError, IsADirectoryError):
        raise
    except Exception as err:  # zip, header and pickle errors all mean "not our file"
        raise ValueError(f"{path} is not a network saved by MLP.save: {err}") from err
    try:
        return _from_arrays(cls, contents)
    except (KeyError, ValueError, TypeError) as err:
        raise ValueError(f"{path} is not a network saved by MLP.save: {err}") from err


def _from_arrays(cls, contents):
    missing = [k for k in ("format", "spec", "layer_sizes") if k not in contents]
    if missing:
        raise KeyError(f"missing {', '.join(missing)}")
    if str(contents["format"]) != _FORMAT:
        raise ValueError(f"unknown format tag {str(contents['format'])[:40]!r}")
    sizes = contents["layer_sizes"]
    if sizes.ndim != 1 or sizes.dtype.kind not in "iu" or len(sizes) < 2 or sizes.min() < 1:
        raise ValueError(f"layer_sizes must be a 1-D array of >= 2 positive ints, got {sizes}")
    sizes = [int(n) for n in sizes]
    spec = json.loads(str(contents["spec"]))
    acts = [_activation_from_spec(spec.get(k) if isinstance(spec, dict) else None)
            for k in ("activation", "output_activation")]
    params = {}
    for layer, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        for key, shape in ((f"W{layer}", (n_in, n_out)), (f"b{layer}", (n_out,))):
            if key not in contents:
                raise KeyError(f"missing {key}")
            value = contents[key]
            if value.dtype.kind != "f" or value.shape != shape:
                raise ValueError(f"{key} must be a float array of shape {shape}, "
                                 f"got {value.dtype} of shape {value.shape}")
            params[key] = as_float_array(value, key)
    n_layers = len(sizes) - 1
    return cls.from_parameters([params[f"W{layer}"] for layer in range(n_layers)],
                               [params[f"b{layer}"] for layer in range(n_layers)],
                               activation=acts[0], output_activation=acts[1])


def _activation_from_spec(entry):
    """The activation of a saved file's entry ``[name, params]``."""
    if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str)
            and isinstance(entry[1], dict)):
        raise ValueError(f"bad activation entry {str(entry)[:60]!r}")
    return get_activation(check_in(entry[0], "activation", ACTIVATIONS), **entry[1])
