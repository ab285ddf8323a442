"""Explorer: underfitting and overfitting (lesson 09).

Noisy samples of cos(1.5 pi x) (``nl.datasets.noisy_cosine``, scikit-learn's classic
example) are fit by a model whose capacity you choose: a polynomial of some degree, or an
MLP with some number of hidden units. Left, the fit against the true curve and the data;
right, the training MSE and the k-fold cross-validated MSE for every capacity, with the
current choice marked: too little capacity underfits (both errors high), too much
overfits (training error tiny, validation error exploding). ``degree_panels_figure`` draws
lesson 09's classic picture, degrees 1, 4 and 15 side by side with their cross-validated MSE.

Both models are fit exactly by least squares (``np.linalg.lstsq``) so that the explorer
answers at once. For the polynomial that is the whole story. For the MLP ([1, h, 1], tanh),
the hidden layer's weights are drawn once at random (each unit a smooth step somewhere in
[0, 1]) and kept, and the output layer is solved by least squares, exactly what gradient
descent on the output layer would converge to; lesson 08 trains every weight with
``nl.fit`` instead. Folds are contiguous and unshuffled (as scikit-learn's ``KFold`` and its
example, on sorted x). Left out: regularization (lesson 09 adds weight decay separately).
"""

from functools import lru_cache

import numpy as np

from .._drawing import lean_ticks, new_figure
from .._validation import check_in, check_int, check_positive
from ..datasets import noisy_cosine, true_cosine
from ..features import polynomial_features
from ..losses import mse
from ..model_selection import k_fold_indices
from ..network import MLP
from ._builder import Blueprint

__all__ = ["fitting", "polynomial_features", "k_fold_indices", "design_matrix",
           "capacity_scores", "fitting_data", "draw_fitting", "fitting_figure",
           "degree_panels_figure", "MODELS"]

MODELS = ("polynomial", "mlp")
K_FOLDS = 10
DEGREES = tuple(range(1, 16))
HIDDEN_UNITS = (1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50)
X_PLOT = np.linspace(0.0, 1.0, 200)
FIGSIZE = (10.5, 4.2)


# The seed of the 30 noisy points (as in lesson 09): with it, degree 15 visibly chases the
# noise between the samples, the classic overfitting picture.
DATA_SEED = 1


@lru_cache(maxsize=1)
def _hidden_net(seed=0):
    """The MLP [1, 50, 1] whose random hidden layer the MLP model uses (its first units)."""
    n_hidden = max(HIDDEN_UNITS)
    rng = np.random.default_rng(seed)
    net = MLP([1, n_hidden, 1], activation="tanh", output_activation="identity", rng=rng)
    steepness = rng.choice([-1.0, 1.0], n_hidden) * rng.uniform(2.0, 8.0, n_hidden)
    centre = rng.uniform(0.0, 1.0, n_hidden)          # where each unit's step sits
    net.weights[0][0] = steepness
    net.biases[0][:] = -steepness * centre
    return net


def design_matrix(x, model, capacity):
    """The features a model is linear in: powers of x, or [1, hidden activations].

    Returns
    -------
    ndarray of shape (n_samples, capacity + 1)

    Examples
    --------
    >>> design_matrix(np.linspace(0, 1, 4), "mlp", 3).shape
    (4, 4)
    """
    if model == "polynomial":
        return polynomial_features(x, capacity)
    _, activations = _hidden_net().trace(np.asarray(x, dtype=float)[:, None])
    return np.column_stack([np.ones(len(x)), activations[1][:, :capacity]])


def _fit(Phi, y):
    return np.linalg.lstsq(Phi, y, rcond=None)[0]


def capacity_scores(x, y, model, capacities, k=K_FOLDS):
    """Training MSE and k-fold cross-validated MSE (mean and std over folds) per capacity.

    Returns
    -------
    train, cv, cv_std : ndarray of shape (len(capacities),)

    Examples
    --------
    >>> x, y = noisy_cosine(30, 0.1, rng=0)
    >>> train, cv, _ = capacity_scores(x, y, "polynomial", [1, 4, 15])
    >>> bool(train[0] > train[1] > train[2]), bool(cv[1] < cv[0] < cv[2])
    (True, True)
    """
    folds = k_fold_indices(len(x), k)
    train, cv, cv_std = [], [], []
    for capacity in capacities:
        Phi = design_matrix(x, model, capacity)
        train.append(mse(y, Phi @ _fit(Phi, y)))
        errors = [mse(y[val], Phi[val] @ _fit(Phi[tr], y[tr])) for tr, val in folds]
        cv.append(np.mean(errors))
        cv_std.append(np.std(errors))
    return np.array(train), np.array(cv), np.array(cv_std)


def fitting_data(model="polynomial", degree=4, hidden_units=8, noise=0.1, n_samples=30,
                 rng=DATA_SEED, k=K_FOLDS):
    """Everything the under/overfitting explorer draws.

    Returns
    -------
    dict with "x", "y" (the data, shape (n_samples,)), "fit" (shape (200,), on ``X_PLOT``),
    "capacities", "train", "cv", "cv_std" (one per capacity), "capacity" (the current one)
    and its "train_mse", "cv_mse", "cv_mse_std".

    Examples
    --------
    >>> d = fitting_data("polynomial", degree=4)
    >>> round(d["train_mse"], 4) < round(d["cv_mse"], 4)
    True
    """
    x, y = noisy_cosine(n_samples, noise, rng)
    capacity = degree if model == "polynomial" else hidden_units
    capacities = DEGREES if model == "polynomial" else HIDDEN_UNITS
    train, cv, cv_std = capacity_scores(x, y, model, capacities, k)
    now = capacity_scores(x, y, model, [capacity], k)
    coef = _fit(design_matrix(x, model, capacity), y)
    return {"model": model, "x": x, "y": y, "fit": design_matrix(X_PLOT, model, capacity) @ coef,
            "capacities": np.array(capacities), "train": train, "cv": cv, "cv_std": cv_std,
            "capacity": capacity, "train_mse": float(now[0][0]), "cv_mse": float(now[1][0]),
            "cv_mse_std": float(now[2][0]), "k": k}


def draw_fitting(axes, data, artists=None):
    """Draw (first call) or update in place the fit and the error-vs-capacity panels.

    Returns
    -------
    dict of artists: "data", "fit", "train", "cv", "marker", "marks"
    """
    left, right = axes
    if artists is None:
        left.plot(X_PLOT, true_cosine(X_PLOT), color="#2ca02c", lw=2, label="true function")
        (fit,) = left.plot([], [], color="#1f77b4", lw=2, label="model")
        (points,) = left.plot([], [], "o", ms=5, mfc="white", mec="#1f77b4", label="samples")
        left.set(xlim=(0, 1), ylim=(-2, 2), xlabel="x", ylabel="y")
        left.legend(loc="lower left", fontsize=9, framealpha=0.85)
        (train,) = right.plot([], [], "o-", ms=4, color="#ff7f0e", label="training MSE")
        (cv,) = right.plot([], [], "s-", ms=4, color="#9467bd", label="cross-validated MSE")
        marker = right.axvline(1, color="0.3", ls=":", lw=1.5, label="current choice")
        (marks,) = right.plot([], [], "o", ms=10, mfc="none", mec="k", mew=1.5)
        right.set(yscale="log", ylabel="MSE (log scale)")
        right.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=3, fontsize=9,
                     frameon=False)
        lean_ticks(left, right)
        artists = {"data": points, "fit": fit, "train": train, "cv": cv, "marker": marker,
                   "marks": marks}
    c = data["capacity"]
    artists["data"].set_data(data["x"], data["y"])
    artists["fit"].set_data(X_PLOT, data["fit"])
    artists["train"].set_data(data["capacities"], data["train"])
    artists["cv"].set_data(data["capacities"], data["cv"])
    artists["marker"].set_xdata([c, c])
    artists["marks"].set_data([c, c], [data["train_mse"], data["cv_mse"]])
    shown = np.r_[data["train"], data["cv"], data["train_mse"], data["cv_mse"]]
    shown = shown[shown > 0]
    right.set_ylim(shown.min() / 3, shown.max() * 3)
    right.set_xlim(0, max(data["capacities"][-1], c) + 1)
    what = "degree" if data["model"] == "polynomial" else "hidden units"
    right.set_xlabel("polynomial degree" if data["model"] == "polynomial" else
                     "hidden units of the MLP")
    left.set_title(f"{what} {c}: training MSE {data['train_mse']:.2e}, "
                   f"CV MSE {data['cv_mse']:.2e}", fontsize=10)
    right.set_title(f"{data['k']}-fold cross-validation, {len(data['x'])} points",
                    fontsize=10)
    return artists


def _check(model, degree, hidden_units, noise, n_samples):
    return {"model": check_in(model, "model", MODELS),
            "degree": check_int(degree, "degree", minimum=0, maximum=max(DEGREES)),
            "hidden_units": check_int(hidden_units, "hidden_units", minimum=1,
                                      maximum=max(HIDDEN_UNITS)),
            "noise": check_positive(noise, "noise", allow_zero=True),
            "n_samples": check_int(n_samples, "n_samples", minimum=K_FOLDS, maximum=1000)}


BLUEPRINT = Blueprint("fitting", FIGSIZE, fitting_data, draw_fitting, panels=(1, 2))


def fitting_figure(model="polynomial", degree=4, hidden_units=8, noise=0.1, n_samples=30):
    """The under/overfitting explorer's picture as a plain matplotlib Figure.

    Examples
    --------
    >>> fig = fitting_figure(degree=15)
    >>> fig.axes[1].get_lines()[0].get_xdata().tolist()[-1]
    15
    """
    return BLUEPRINT.figure(_check(model, degree, hidden_units, noise, n_samples))


def degree_panels_figure(degrees=(1, 4, 15), n_samples=30, noise=0.1, rng=DATA_SEED,
                         k=K_FOLDS):
    """Lesson 09's picture: polynomial fits of several degrees, each with its CV MSE.

    Examples
    --------
    >>> fig = degree_panels_figure()
    >>> [ax.get_title().split("\\n")[0] for ax in fig.axes]
    ['Degree 1', 'Degree 4', 'Degree 15']
    """
    fig = new_figure((4.2 * len(degrees), 4.2))
    x, y = noisy_cosine(n_samples, noise, rng)
    for ax, degree in zip(fig.subplots(1, len(degrees), squeeze=False)[0], degrees,
                          strict=True):
        _, cv, cv_std = capacity_scores(x, y, "polynomial", [degree], k)
        coef = _fit(polynomial_features(x, degree), y)
        ax.plot(X_PLOT, polynomial_features(X_PLOT, degree) @ coef, label="Model")
        ax.plot(X_PLOT, true_cosine(X_PLOT), label="True function")
        ax.scatter(x, y, edgecolor="b", s=20, label="Samples")
        ax.set(xlabel="x", ylabel="y", xlim=(0, 1), ylim=(-2, 2), xticks=(), yticks=())
        ax.legend(loc="best")
        ax.set_title(f"Degree {degree}\nMSE = {cv[0]:.2e}(+/- {cv_std[0]:.2e})")
    fig.tight_layout()
    return fig


def _controls(values):
    import ipywidgets as widgets

    from ._wiring import int_slider, slider

    return {
        "model": widgets.ToggleButtons(options=[("polynomial", "polynomial"), ("MLP", "mlp")],
                                       value=values["model"], description="model",
                                       style={"button_width": "110px"}),
        "degree": int_slider("degree", values["degree"], 0, max(DEGREES),
                             disabled=values["model"] != "polynomial"),
        "hidden_units": int_slider("hidden units", values["hidden_units"], 1,
                                   max(HIDDEN_UNITS), disabled=values["model"] != "mlp"),
        "noise": slider("noise", values["noise"], 0.0, max(0.5, values["noise"]), 0.01),
        "n_samples": int_slider("points", values["n_samples"], K_FOLDS,
                                max(100, values["n_samples"]), 5),
    }


def _link(controls, change):
    if change["owner"] is controls["model"]:
        controls["degree"].disabled = change["new"] != "polynomial"
        controls["hidden_units"].disabled = change["new"] != "mlp"


def fitting(model="polynomial", degree=4, hidden_units=8, noise=0.1, n_samples=30, *,
            static=False):
    """Explore under- and overfitting: capacity, noise and number of training points.

    Parameters
    ----------
    model : {"polynomial", "mlp"}
    degree : int
        The polynomial's degree (0 to 15).
    hidden_units : int
        The MLP's hidden units (1 to 50).
    noise : float
        Standard deviation of the noise added to cos(1.5 pi x).
    n_samples : int
        Number of training points (the slider goes from 10 to 100).
    static : bool, default False
        Return a plain matplotlib Figure instead of the widget.

    Returns
    -------
    Explorer (an ipywidgets VBox) or matplotlib Figure
    """
    return BLUEPRINT.build(_check(model, degree, hidden_units, noise, n_samples),
                           static=static, controls=_controls, link=_link)
