"""Models for the compact DecisionNet benchmark (issue 12: the paper's Fig. 6(b) and its
compression experiment on 2-D synthetic data), trained by scikit-learn and exported by
skl2onnx. Run from the repository root:

    python3 Benchmarks/models/dnet/make_dnet_models.py

Versions used: scikit-learn 1.9.1, skl2onnx 1.20.0, onnx 1.23.2. Every model is scaled so
that its data lie in [-1.5, 1.5]^2 (the benchmark's box); the file name says the data set,
the activation and the hidden layers (blobs3d/blobs4d: 3 and 4 inputs, in [-1.5, 1.5]^3 and ^4).
"""
import numpy as np
from sklearn.datasets import make_blobs, make_circles, make_moons
from sklearn.neural_network import MLPClassifier
from skl2onnx import to_onnx

OUT = "Benchmarks/models/dnet/"


def export(clf, X, name):
    onx = to_onnx(clf, X[:1].astype(np.float32), options={id(clf): {"zipmap": False}}, target_opset=17)
    with open(OUT + name + ".onnx", "wb") as f:
        f.write(onx.SerializeToString())


def scaled(X):
    # Into [-1.2, 1.2]^d so that the box [-1.5, 1.5]^d holds the data with a margin.
    X = X - X.mean(0)
    return 1.2 * X / np.abs(X).max()


def data(kind, seed):
    if kind.startswith("blobs3d") or kind.startswith("blobs4d"):
        # 3- and 4-input data with three classes (issue 12's "3- and 4-input models too").
        X, y = make_blobs(n_samples=600, n_features=int(kind[5]), centers=3, cluster_std=2.0, random_state=seed)
        return scaled(X), y
    if kind == "moons":
        X, y = make_moons(n_samples=500, noise=0.15, random_state=seed)
    elif kind == "circles":
        X, y = make_circles(n_samples=500, noise=0.08, factor=0.5, random_state=seed)
    else:
        X, y = make_blobs(n_samples=500, centers=3, cluster_std=1.4, random_state=seed)
    return scaled(X), y


MODELS = [
    ("moons", "logistic", (8, 8, 8)),
    ("moons", "tanh", (8, 8, 8)),
    ("circles", "tanh", (10, 10)),
    ("blobs", "tanh", (8, 8)),
    ("moons", "tanh", (64, 64)),
    ("moons", "logistic", (64, 64)),
    ("circles", "tanh", (128, 128, 128)),
    ("blobs3d", "tanh", (6, 6)),
    ("blobs3d", "tanh", (8, 8)),
    ("blobs4d", "logistic", (8, 8)),
]

for seed, (kind, activation, hidden) in enumerate(MODELS):
    X, y = data(kind, seed)
    # scikit-learn's defaults (adam); a start that stays near chance is retried with the next
    # seed, and lbfgs is the last resort (it trains sigmoid nets on these sets, with larger weights).
    tries = [dict(random_state=s) for s in range(seed, seed + 5)] + [dict(random_state=seed, solver="lbfgs")]
    for options in tries:
        clf = MLPClassifier(hidden_layer_sizes=hidden, activation=activation, max_iter=4000, **options).fit(X, y)
        if clf.score(X, y) > 0.95:
            break
    name = "%s-%s-%s" % (kind, "sigmoid" if activation == "logistic" else activation, "x".join(map(str, hidden)))
    print(name, "training accuracy %.3f" % clf.score(X, y))
    export(clf, X, name)
