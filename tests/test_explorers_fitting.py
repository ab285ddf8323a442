"""The under/overfitting explorer: least-squares fits and k-fold cross-validation."""

import numpy as np
import pytest
from conftest import require
from test_explorers_controls import assert_drawn

import nnlessons as nl
from nnlessons.explorers import capacity as m


def test_polynomial_fit_is_least_squares():
    x, y = nl.datasets.noisy_cosine(30, 0.1, rng=0)
    Phi = m.polynomial_features(x, 3)
    coef = np.linalg.lstsq(Phi, y, rcond=None)[0]
    np.testing.assert_allclose(np.linalg.solve(Phi.T @ Phi, Phi.T @ y), coef, rtol=1e-6)
    train, _, _ = m.capacity_scores(x, y, "polynomial", [3])
    assert train[0] == pytest.approx(nl.mse(y, Phi @ coef))


def test_cross_validation_matches_scikit_learn():
    require("sklearn")
    from sklearn.linear_model import LinearRegression
    from sklearn.model_selection import cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import PolynomialFeatures

    x, y = nl.datasets.noisy_cosine(30, 0.1, rng=0)
    for degree in (1, 4, 8):
        model = make_pipeline(PolynomialFeatures(degree, include_bias=False),
                              LinearRegression())
        scores = -cross_val_score(model, x[:, None], y, scoring="neg_mean_squared_error",
                                  cv=10)
        _, cv, cv_std = m.capacity_scores(x, y, "polynomial", [degree], k=10)
        assert cv[0] == pytest.approx(scores.mean(), rel=1e-6)
        assert cv_std[0] == pytest.approx(scores.std(), rel=1e-6)


def test_the_classic_picture_of_seed_000():
    fig = m.degree_panels_figure((1, 4, 15))
    titles = [ax.get_title() for ax in fig.axes]
    assert [t.split("\n")[0] for t in titles] == ["Degree 1", "Degree 4", "Degree 15"]
    cv = [float(t.split("= ")[1].split("(")[0]) for t in titles]
    assert cv[1] < cv[0] < cv[2]                           # under, right, over
    x, y = nl.datasets.noisy_cosine(30, 0.1, rng=m.DATA_SEED)
    coef = np.linalg.lstsq(m.polynomial_features(x, 15), y, rcond=None)[0]
    np.testing.assert_allclose(fig.axes[2].get_lines()[0].get_ydata(),
                               m.polynomial_features(m.X_PLOT, 15) @ coef)


@pytest.mark.parametrize("model", m.MODELS)
def test_more_capacity_lowers_training_error(model):
    x, y = nl.datasets.noisy_cosine(40, 0.2, rng=1)
    capacities = m.DEGREES if model == "polynomial" else m.HIDDEN_UNITS
    train, cv, _ = m.capacity_scores(x, y, model, capacities)
    # nested models: each capacity contains the smaller ones (up to lstsq's rank cut-off)
    assert np.all(np.diff(train) <= 0.05 * train[1:]) and train[-1] < train[0] / 10
    assert cv[-1] > 10 * cv.min()                          # and the largest overfits


def test_hidden_units_control_the_mlp():
    widget = nl.explorers.fitting(model="mlp")
    assert widget.controls["degree"].disabled and not widget.controls["hidden_units"].disabled
    for units in (2, 30):
        widget.controls["hidden_units"].value = units
        assert_drawn(widget, "fitting")
    widget.controls["model"].value = "polynomial"
    assert not widget.controls["degree"].disabled and widget.controls["hidden_units"].disabled
    assert widget.figure.axes[1].get_xlabel() == "polynomial degree"


def test_bad_input():
    with pytest.raises(ValueError, match="model must be one of"):
        nl.explorers.fitting(model="spline")
    with pytest.raises(ValueError, match="n_samples must be an integer"):
        nl.explorers.fitting(n_samples=5)
