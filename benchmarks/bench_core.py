"""Benchmark: Nielsen's chapter-1 recipe on the 8x8 digits, nl.fit against other loops.

Run ``.venv/bin/python benchmarks/bench_core.py`` (``--repeats N`` rounds per seed,
``--seeds 0 1``, ``--quick`` for nl.fit, the bare loop and PyTorch only).

The recipe: a 64-30-10 network, sigmoid everywhere, quadratic cost, mini-batches of 10,
learning rate 3.0, 30 epochs, on the 1,797 digits split 80/20 with
``train_test_split(test_size=0.2, rng=0)``. Nielsen's cost is ``1/2 ||y - a||^2`` per sample;
nnlessons' ``mse`` is the plain mean over all 10 outputs, whose gradient is 2/10 of his, so
his eta = 3.0 is ``learning_rate=15.0`` here. nl.fit, the bare numpy loop, the per-sample
loop and PyTorch all take exactly the same steps from the same initial weights and the same
shuffles (checked below), so their times compare the same work. scikit-learn cannot train a
quadratic cost for classification: its MLPClassifier uses a softmax output with log-loss;
it runs with logistic hidden units, plain SGD (momentum 0), alpha 0, batch 10,
learning_rate_init 3.0 and 30 epochs.

Every row is timed in the same run, for seeds 0 and 1 (seed s draws the weights with
``rng=s`` and the shuffles with ``rng=s + 1``), in rounds whose order alternates (forwards,
then backwards) so that a busy machine or a drifting clock slows all rows alike; seconds per
epoch is the median over seeds and rounds of (time of 30 epochs) / 30.
"""

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
import tracemalloc
import warnings

import numpy as np

import nnlessons as nl

SIZES, BATCH, ETA_NIELSEN, EPOCHS = (64, 30, 10), 10, 3.0, 30
LEARNING_RATE = ETA_NIELSEN * 10 / 2        # the same step with the plain-mean MSE


def data():
    X, y = nl.datasets.digits()
    X_train, X_test, y_train, y_test = nl.datasets.train_test_split(X, y, test_size=0.2, rng=0)
    return X_train, nl.datasets.one_hot(y_train, 10), X_test, y_test


def initial_network(seed=0):
    return nl.MLP(list(SIZES), activation="sigmoid", rng=seed)


def run_nl_fit(X, Y, n_epochs, seed=0):
    net = initial_network(seed)
    nl.fit(net, X, Y, loss="mse", optimizer="sgd", learning_rate=LEARNING_RATE,
           n_epochs=n_epochs, batch_size=BATCH, rng=seed + 1)
    return net.weights, net.biases


def run_bare_numpy(X, Y, n_epochs, seed=0):
    """The same training as a bare vectorized numpy loop, rows are samples."""
    net = initial_network(seed)
    W1, W2 = (W.copy() for W in net.weights)
    b1, b2 = (b.copy() for b in net.biases)
    rng = np.random.default_rng(seed + 1)
    for _ in range(n_epochs):
        order = rng.permutation(len(X))
        Xs, Ys = X[order], Y[order]
        for k in range(0, len(X), BATCH):
            x, t = Xs[k:k + BATCH], Ys[k:k + BATCH]
            a1 = 1 / (1 + np.exp(-(x @ W1 + b1)))
            a2 = 1 / (1 + np.exp(-(a1 @ W2 + b2)))
            d2 = (2 / t.size) * (a2 - t) * a2 * (1 - a2)
            d1 = (d2 @ W2.T) * a1 * (1 - a1)
            W2 -= LEARNING_RATE * (a1.T @ d2)
            b2 -= LEARNING_RATE * d2.sum(axis=0)
            W1 -= LEARNING_RATE * (x.T @ d1)
            b1 -= LEARNING_RATE * d1.sum(axis=0)
        # the training loss once per epoch, as fit records it in its History
        a1 = 1 / (1 + np.exp(-(X @ W1 + b1)))
        a2 = 1 / (1 + np.exp(-(a1 @ W2 + b2)))
        np.mean((a2 - Y) ** 2)
    return [W1, W2], [b1, b2]


def run_per_sample(X, Y, n_epochs, seed=0):
    """Nielsen's network.py: column vectors, W of shape (n_out, n_in), one sample at a time."""
    net = initial_network(seed)
    weights = [W.T.copy() for W in net.weights]
    biases = [b[:, None].copy() for b in net.biases]
    sigmoid = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    rng = np.random.default_rng(seed + 1)
    for _ in range(n_epochs):
        order = rng.permutation(len(X))
        for k in range(0, len(X), BATCH):
            batch = order[k:k + BATCH]
            nabla_b = [np.zeros(b.shape) for b in biases]
            nabla_w = [np.zeros(w.shape) for w in weights]
            for i in batch:
                x, y = X[i][:, None], Y[i][:, None]
                activation, activations, zs = x, [x], []
                for b, w in zip(biases, weights, strict=True):
                    zs.append(w @ activation + b)
                    activation = sigmoid(zs[-1])
                    activations.append(activation)
                delta = (activations[-1] - y) * activation * (1 - activation)
                nabla_b[-1] += delta
                nabla_w[-1] += delta @ activations[-2].T
                sp = activations[-2] * (1 - activations[-2])
                delta = (weights[-1].T @ delta) * sp
                nabla_b[-2] += delta
                nabla_w[-2] += delta @ activations[-3].T
            eta = ETA_NIELSEN / len(batch)
            weights = [w - eta * nw for w, nw in zip(weights, nabla_w, strict=True)]
            biases = [b - eta * nb for b, nb in zip(biases, nabla_b, strict=True)]
    return [w.T for w in weights], [b[:, 0] for b in biases]


def make_torch_run(dtype_name):
    import torch

    dtype = getattr(torch, dtype_name)

    def run_torch(X, Y, n_epochs, seed=0):
        net = initial_network(seed)
        model = torch.nn.Sequential(torch.nn.Linear(64, 30), torch.nn.Sigmoid(),
                                    torch.nn.Linear(30, 10), torch.nn.Sigmoid()).to(dtype)
        with torch.no_grad():
            for layer, W, b in zip(model[::2], net.weights, net.biases, strict=True):
                layer.weight.copy_(torch.tensor(W.T))     # torch stores (n_out, n_in)
                layer.bias.copy_(torch.tensor(b))
        opt = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)
        loss_fn = torch.nn.MSELoss()
        Xt, Yt = torch.tensor(X, dtype=dtype), torch.tensor(Y, dtype=dtype)
        rng = np.random.default_rng(seed + 1)
        for _ in range(n_epochs):
            order = torch.from_numpy(rng.permutation(len(X)))
            Xs, Ys = Xt[order], Yt[order]
            for k in range(0, len(X), BATCH):
                opt.zero_grad()
                loss = loss_fn(model(Xs[k:k + BATCH]), Ys[k:k + BATCH])
                loss.backward()
                opt.step()
            with torch.no_grad():
                loss_fn(model(Xt), Yt).item()
        return ([layer.weight.detach().numpy().T.astype(float) for layer in model[::2]],
                [layer.bias.detach().numpy().astype(float) for layer in model[::2]])

    return run_torch


def run_sklearn(X, Y, n_epochs, seed=0):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    clf = MLPClassifier((30,), activation="logistic", solver="sgd", learning_rate_init=3.0,
                        batch_size=BATCH, momentum=0.0, alpha=0.0, max_iter=n_epochs, tol=0.0,
                        n_iter_no_change=n_epochs + 1, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, Y.argmax(axis=1))
    return clf


def held_out_accuracy(result, X_test, y_test):
    if not isinstance(result, tuple):                      # a fitted scikit-learn model
        return result.score(X_test, y_test)
    net = initial_network()                                # only its shapes are used
    for mine, theirs in zip(net.parameters(), result[0] + result[1], strict=True):
        mine[...] = theirs
    return nl.training.accuracy(y_test, net.predict(X_test))


def implementations(quick=False):
    rows = [("nl.fit", run_nl_fit), ("bare numpy loop (inline)", run_bare_numpy)]
    if not quick:
        rows.append(("per-sample loop (Nielsen)", run_per_sample))
    try:
        import torch
        rows += [(f"PyTorch CPU float64 ({torch.get_num_threads()} threads)",
                  make_torch_run("float64")),
                 (f"PyTorch CPU float32 ({torch.get_num_threads()} threads)",
                  make_torch_run("float32"))]
    except ImportError:
        print("PyTorch is not installed: skipped")
    if quick:
        return rows
    try:
        import sklearn  # noqa: F401
        rows.append(("scikit-learn MLPClassifier (log-loss)", run_sklearn))
    except ImportError:
        print("scikit-learn is not installed: skipped")
    return rows


def import_time(repeats=5):
    code = "import time; t = time.perf_counter(); import nnlessons; print(time.perf_counter() - t)"
    times = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                  check=True).stdout) for _ in range(repeats)]
    return statistics.median(times)


def peak_memory(run, X, Y):
    tracemalloc.start()
    run(X, Y, 2)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def timed_rounds(rows, X, Y, seeds, repeats):
    """Seconds per epoch of every row, for every seed and round.

    Within a round every row runs once; the order alternates from one round to the next
    (forwards, then backwards), so that a drift in background load or CPU clock favours no
    row. Returns ``{name: [s/epoch, ...]}`` (wall clock) and the same for CPU time, one
    entry per (seed, round) in the same order for every row.
    """
    times = {name: [] for name, _ in rows}
    cpu_times = {name: [] for name, _ in rows}
    for seed in seeds:
        for round_ in range(repeats):
            for name, run in (rows if round_ % 2 == 0 else rows[::-1]):
                start, cpu_start = time.perf_counter(), time.process_time()
                run(X, Y, EPOCHS, seed)
                times[name].append((time.perf_counter() - start) / EPOCHS)
                cpu_times[name].append((time.process_time() - cpu_start) / EPOCHS)
    return times, cpu_times


def main(repeats, seeds, quick):
    X, Y, X_test, y_test = data()
    rows = implementations(quick)
    results = {}
    for name, run in rows:                                 # warm-up, and the accuracies
        results[name] = [run(X, Y, EPOCHS, seed) for seed in seeds]
    times, cpu_times = timed_rounds(rows, X, Y, seeds, repeats)
    versions = [f"Python {platform.python_version()}", f"numpy {np.__version__}"]
    for module in ("torch", "sklearn"):
        if module in sys.modules:
            versions.append(f"{module} {sys.modules[module].__version__}")
    print(f"{', '.join(versions)}; {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.1f} at the end of the timings")
    print(f"Nielsen's chapter-1 recipe on the 8x8 digits: {'-'.join(map(str, SIZES))} sigmoid, "
          f"MSE, batch {BATCH}, eta {ETA_NIELSEN} (learning_rate={LEARNING_RATE:g} with the "
          f"plain-mean MSE), {EPOCHS} epochs; {len(X)} training / {len(X_test)} held-out "
          f"images; seeds {', '.join(map(str, seeds))} x {repeats} alternating rounds, "
          "medians\n")
    header = (f"{'implementation':<40} {'s/epoch':>9} {'x nl.fit':>9} {'CPU s/ep':>9} "
              f"{'accuracy':>9} {'same steps':>11}")
    print(header)
    print("-" * len(header))
    fit_time = statistics.median(times["nl.fit"])
    for name, _ in rows:
        seconds = statistics.median(times[name])
        gaps, accuracies = [], []
        for result, reference in zip(results[name], results["nl.fit"], strict=True):
            accuracies.append(held_out_accuracy(result, X_test, y_test))
            if isinstance(result, tuple):
                pairs = zip(result[0] + result[1], reference[0] + reference[1], strict=True)
                gaps.append(max(np.max(np.abs(a - b)) for a, b in pairs))
        same = f"{max(gaps):.0e}" if gaps else "-"
        print(f"{name:<40} {seconds:9.4f} {seconds / fit_time:9.2f} "
              f"{statistics.median(cpu_times[name]):9.4f} "
              f"{statistics.mean(accuracies):9.4f} {same:>11}")
    print("\ns/epoch: wall-clock time; CPU s/ep: CPU time of this process (all its threads); "
          "accuracy: mean over the seeds; 'same steps': largest difference of the final "
          "weights from nl.fit's")
    bare = "bare numpy loop (inline)"
    per_round = [f / b for f, b in zip(times["nl.fit"], times[bare], strict=True)]
    print(f"nl.fit / bare numpy loop: {fit_time / statistics.median(times[bare]):.3f} "
          f"(median of the rounds' ratios {statistics.median(per_round):.3f}, CPU time "
          f"{statistics.median(cpu_times['nl.fit']) / statistics.median(cpu_times[bare]):.3f};"
          " target <= 1.15)")
    torch_rows = [n for n in times if n.startswith("PyTorch")]
    for name in torch_rows:
        print(f"{name} / nl.fit: {statistics.median(times[name]) / fit_time:.1f} "
              "(target >= 4)")
    print(f"import nnlessons (fresh process, median of 5): {import_time():.3f} s "
          "(target < 0.3 s)")
    fit_peak, bare_peak = peak_memory(run_nl_fit, X, Y), peak_memory(run_bare_numpy, X, Y)
    print(f"peak traced memory of 2 epochs (tracemalloc): nl.fit {fit_peak / 1e6:.2f} MB, "
          f"bare numpy loop {bare_peak / 1e6:.2f} MB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="rounds per seed")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1],
                        help="seed s draws the weights with rng=s and the shuffles with rng=s+1")
    parser.add_argument("--quick", action="store_true",
                        help="only nl.fit, the bare loop and PyTorch (skips the slow rows)")
    args = parser.parse_args()
    main(args.repeats, args.seeds, args.quick)
