"""Every number of the lessons' worked examples, reproduced by the package to the printed digits.

The hand-worked tiny network: the lessons' 2-2-1 network (inputs x1, x2; hidden neurons h1,
h2; output o1), all sigmoid, from Victor Zhou's introduction. Its parameters are labelled

    h1 = f(w1 x1 + w2 x2 + b1)      h2 = f(w3 x1 + w4 x2 + b2)      o1 = f(w5 h1 + w6 h2 + b3)

and with rows-are-examples (z = a @ W + b, W of shape (n_in, n_out)) these live at

    w1 = W0[0, 0]  w2 = W0[1, 0]  (h1's weights from x1, x2: column 0 of W0)
    w3 = W0[0, 1]  w4 = W0[1, 1]  (h2's weights: column 1 of W0)
    w5 = W1[0, 0]  w6 = W1[1, 0]  b1, b2 = b0[0], b0[1]  b3 = b1[0]

Each number is rounded to the digits the worked example prints and compared exactly. Three
of its numbers (z_o = 0.0948, dL/dy_pred = -0.952 and dL/dw1 = 0.0214) are worked out by
hand from intermediate values that were already rounded; exactly they are 0.09485, -0.9526
and 0.02147. For those three the test redoes the rounded arithmetic and checks that the
exact value is within the rounding of the printed one.
"""

import numpy as np
import pytest

import nnlessons as nl

# Alice, shifted by (135 lb, 66 in): x = [-2, -1], gender F = 1
ALICE_X, ALICE_Y = [[-2.0, -1.0]], [[1.0]]


def zhou_network(weights, bias):
    """The 2-2-1 network with the lessons' (w1, ..., w6) and (b1, b2, b3)."""
    w1, w2, w3, w4, w5, w6 = weights
    b1, b2, b3 = bias
    net = nl.MLP([2, 2, 1], activation="sigmoid", rng=0)
    net.weights[0][:] = [[w1, w3], [w2, w4]]
    net.weights[1][:] = [[w5], [w6]]
    net.biases[0][:] = [b1, b2]
    net.biases[1][:] = [b3]
    return net


def test_neuron_sigmoid_of_seven():
    # w = [0, 1], b = 4, x = [2, 3]: w . x + b = 0*2 + 1*3 + 4 = 7, and f(7) = 0.999;
    # the issue quotes it to 5 digits, 0.99909
    assert round(float(nl.sigmoid(7.0)), 3) == 0.999
    assert round(float(nl.sigmoid(7.0)), 5) == 0.99909
    y = nl.Neuron(weights=[0, 1], bias=4).feedforward([2, 3])
    assert round(y, 5) == 0.99909
    assert y == float(nl.sigmoid(7.0))


def test_sigmoid_prints_full_precision_float64():
    value = nl.sigmoid(7.0)
    assert isinstance(value, np.float64)
    assert value == 1 / (1 + np.exp(-7.0))


def test_feedforward_example_0_7216():
    # every neuron has w = [0, 1], b = 0:
    #   h1 = h2 = f(0*2 + 1*3 + 0) = f(3) = 0.9526
    #   o1 = f(0*h1 + 1*h2 + 0) = f(0.9526) = 0.7216
    net = nl.MLP([2, 2, 1], activation="sigmoid")
    net.weights[0][:] = [[0, 0], [1, 1]]
    net.weights[1][:] = [[0], [1]]
    for b in net.biases:
        b[:] = 0
    out = net.forward([[2, 3]])
    assert out.shape == (1, 1)
    assert round(float(out[0, 0]), 4) == 0.7216
    zs, activations = net.trace([[2, 3]])
    assert np.round(activations[1], 4).tolist() == [[0.9526, 0.9526]]
    assert zs[0].tolist() == [[3.0, 3.0]]


def test_784_15_10_has_11935_parameters():
    # 784*15 + 15*10 weights, 15 + 10 biases
    assert 784 * 15 + 15 * 10 + 15 + 10 == 11935
    assert nl.MLP([784, 15, 10]).n_params == 11935


def test_mse_of_always_male_is_0_5():
    # y_true = (1, 0, 0, 1) for Alice, Bob, Charlie, Diana; y_pred = 0 for all:
    # (1 + 0 + 0 + 1) / 4 = 0.5
    assert nl.mse([1, 0, 0, 1], [0, 0, 0, 0]) == 0.5
    _, y = nl.datasets.gender()
    assert nl.mse(y, np.zeros(4)) == 0.5


def test_gender_table():
    X_raw, y = nl.datasets.gender(shifted=False)
    X, _ = nl.datasets.gender()
    assert X_raw.tolist() == [[133, 65], [160, 72], [152, 70], [120, 60]]
    assert X.tolist() == [[-2, -1], [25, 6], [17, 4], [-15, -6]]
    assert y.tolist() == [1, 0, 0, 1]
    assert nl.datasets.GENDER_NAMES == ("Alice", "Bob", "Charlie", "Diana")


class TestAliceBackprop:
    """All weights 1, all biases 0, only Alice in the data set; L = (1 - y_pred)^2."""

    @pytest.fixture
    def net(self):
        return zhou_network([1, 1, 1, 1, 1, 1], [0, 0, 0])

    def test_feedforward(self, net):
        # h1 = f(w1 x1 + w2 x2 + b1) = f(-2 - 1 + 0) = f(-3) = 0.0474, h2 the same
        # o1 = f(w5 h1 + w6 h2 + b3) = f(0.0474 + 0.0474) = f(0.0948) = 0.524 (0.5237)
        zs, activations = net.trace(ALICE_X)
        assert zs[0].tolist() == [[-3.0, -3.0]]
        assert np.round(activations[1], 4).tolist() == [[0.0474, 0.0474]]
        # z_o: the example adds the rounded h's, 0.0474 + 0.0474 = 0.0948; exactly it is 0.09485
        assert round(0.0474 + 0.0474, 4) == 0.0948
        assert abs(float(zs[1][0, 0]) - 0.0948) < 1e-4
        assert round(float(activations[2][0, 0]), 3) == 0.524
        assert round(float(activations[2][0, 0]), 4) == 0.5237

    def test_chain_rule_factors(self, net):
        zs, activations = net.trace(ALICE_X)
        y_pred = float(activations[2][0, 0])
        # dL/dy_pred = -2 (1 - y_pred). The worked example uses y_pred rounded to 0.524:
        # -2 (1 - 0.524) = -0.952; the exact value is -0.9526.
        assert round(-2 * (1 - round(y_pred, 3)), 3) == -0.952
        dL_dypred = -2 * (1 - y_pred)
        assert abs(dL_dypred - -0.952) < 1e-3
        assert nl.losses.mse_gradient(ALICE_Y, activations[2])[0, 0] == pytest.approx(dL_dypred)
        # dy_pred/dh1 = w5 f'(w5 h1 + w6 h2 + b3) = 1 * f'(0.0948) = 0.5237 (1 - 0.5237) = 0.249
        dypred_dh1 = 1.0 * float(nl.activations.sigmoid_derivative(zs[1][0, 0]))
        assert round(dypred_dh1, 3) == 0.249
        # f'(-3) = f(-3) (1 - f(-3)) = 0.0474 (1 - 0.0474) = 0.0452
        assert round(float(nl.activations.sigmoid_derivative(-3.0)), 4) == 0.0452
        # dh1/dw1 = x1 f'(w1 x1 + w2 x2 + b1) = -2 f'(-3) = -0.0904
        dh1_dw1 = -2 * float(nl.activations.sigmoid_derivative(-3.0))
        assert round(dh1_dw1, 4) == -0.0904

    def test_dL_dw1(self, net):
        # dL/dw1 = dL/dy_pred * dy_pred/dh1 * dh1/dw1. The worked example multiplies its rounded
        # factors: (-0.952)(0.249)(-0.0904) = 0.0214.
        assert round(-0.952 * 0.249 * -0.0904, 4) == 0.0214
        dW, db = net.gradients(ALICE_X, ALICE_Y, loss="mse")
        # Backprop gives the exact product 0.02147; it rounds to 0.0214 at 3 significant
        # digits of the rounded factors, i.e. it is within 1e-4 of the printed value.
        exact = float(dW[0][0, 0])
        assert abs(exact - 0.0214) < 1e-4
        assert round(exact, 3) == 0.021
        # ... and it is exactly the chain rule product of the unrounded factors
        s = nl.sigmoid
        y_pred = s(2 * s(-3.0))
        product = -2 * (1 - y_pred) * (y_pred * (1 - y_pred)) * (-2 * s(-3.0) * (1 - s(-3.0)))
        assert exact == pytest.approx(product, rel=1e-14)

    def test_all_nine_partials_by_the_chain_rule_formulas(self, net):
        # Same chain rule for every parameter, with h = f(-3), o = f(2h):
        #   dL/dw5 = dL/do * f'(z_o) * h1        dL/db3 = dL/do * f'(z_o)
        #   dL/dw1 = dL/do * f'(z_o) * w5 * f'(-3) * x1, dL/dw2 the same with x2,
        #   dL/db1 = dL/do * f'(z_o) * w5 * f'(-3); h2's (w3, w4, b2) equal h1's by symmetry.
        s = nl.sigmoid
        h = s(-3.0)
        o = s(2 * h)
        top = -2 * (1 - o) * o * (1 - o)          # dL/dz_o
        hidden = top * 1.0 * h * (1 - h)          # dL/dz_h1 = dL/dz_h2
        expected = {"w1": hidden * -2, "w2": hidden * -1, "w3": hidden * -2, "w4": hidden * -1,
                    "w5": top * h, "w6": top * h, "b1": hidden, "b2": hidden, "b3": top}
        dW, db = net.gradients(ALICE_X, ALICE_Y, loss="mse")
        got = {"w1": dW[0][0, 0], "w2": dW[0][1, 0], "w3": dW[0][0, 1], "w4": dW[0][1, 1],
               "w5": dW[1][0, 0], "w6": dW[1][1, 0], "b1": db[0][0], "b2": db[0][1],
               "b3": db[1][0]}
        for name, value in expected.items():
            assert got[name] == pytest.approx(value, rel=1e-12), name

    def test_gradient_check_of_the_hand_worked_network(self, net):
        assert nl.gradient_check(net, ALICE_X, ALICE_Y, loss="mse") < 1e-6


def test_one_sample_sgd_separates_emily_and_frank():
    # The lessons' SGD: one sample at a time, w <- w - learning_rate dL/dw, on the four people.
    X, y = nl.datasets.gender()
    net = nl.MLP([2, 2, 1], activation="sigmoid", rng=0)
    rng = np.random.default_rng(0)
    first = net.loss(X, y)
    for _ in range(1000):
        for i in rng.permutation(4):
            dW, db = net.gradients(X[i:i + 1], y[i:i + 1])
            for p, g in zip(net.parameters(), dW + db, strict=True):
                p -= 0.1 * g
    assert net.loss(X, y) < first / 10
    emily, frank = net.forward([[-7, -3], [20, 2]])[:, 0]  # 128 lb 63 in; 155 lb 68 in
    assert emily > 0.9
    assert frank < 0.1
