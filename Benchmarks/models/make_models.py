"""Benchmark models, trained by scikit-learn and exported by skl2onnx.

Run from the repository root:  python3 Benchmarks/models/make_models.py
Versions used: scikit-learn 1.9.1, skl2onnx 1.20.0, onnx 1.23.2 (see Tests/Fixtures/make_fixtures.py).

- relu-2x32x32x32.onnx: 2 inputs, three hidden ReLU layers of 32, trained on make_moons
  (the issue's "2→32×32×32 ReLU model", about 3,000 regions over [−1.5, 1.5]²).
- relu-4x16x16.onnx:  4 inputs, 16·16 ReLU, make_classification.
- relu-30x16.onnx:    30 inputs, one hidden layer of 16 ReLU, make_classification.
- tanh-2x24x24.onnx:  2 inputs, 24·24 tanh, make_moons (the linearization benchmark).
- tanh-spirals-2x24x24.onnx: 2 inputs, 24·24 tanh, two interleaved spirals: tens of
  thousands of regions of g over [−1.5, 1.5]² with 8 pieces (the certificate round trip
  of issue 9). Made alone with `python3 Benchmarks/models/make_models.py spirals`
  (scikit-learn 1.9.1, skl2onnx 1.20.0, onnx 1.23.2).
- tanh-cancer-30x32x32x32.onnx: 30 inputs (breast cancer, standardized in Python so the
  file holds the MLP alone), three hidden tanh layers of 32 (the error-bound benchmark of
  issue 10). Made alone with `python3 Benchmarks/models/make_models.py smooth`, which also
  writes sigmoid-digits-64x32x32x32.onnx: 64 pixels of load_digits scaled to [0, 1], three
  hidden logistic layers of 32 and ten logits (a 4-layer sigmoid MLP), and
  smooth-centres.csv: the first test sample of each (the benchmark's boxes are around it).
"""
import sys
import numpy as np
from sklearn.datasets import make_moons, make_classification
from sklearn.neural_network import MLPClassifier
from skl2onnx import to_onnx

def export(clf, X, path):
    onx = to_onnx(clf, X[:1].astype(np.float32), options={id(clf): {"zipmap": False}}, target_opset=17)
    with open(path, "wb") as f:
        f.write(onx.SerializeToString())

def spirals():
    rng = np.random.RandomState(4)
    t = np.sqrt(rng.rand(600)) * 3 * np.pi
    arm = rng.randint(0, 2, 600)
    r = t / (3 * np.pi) * 1.4
    angle = t + np.pi * arm
    X = np.stack([r * np.cos(angle), r * np.sin(angle)], 1) + rng.normal(0, 0.03, (600, 2))
    clf = MLPClassifier(hidden_layer_sizes=(24, 24), activation="tanh", max_iter=5000, random_state=4).fit(X, arm)
    print("spirals training accuracy", clf.score(X, arm))
    export(clf, X, "Benchmarks/models/tanh-spirals-2x24x24.onnx")

def smooth():
    from sklearn.datasets import load_breast_cancer, load_digits
    X, y = load_breast_cancer(return_X_y=True)
    X = (X - X.mean(0)) / X.std(0)
    clf = MLPClassifier(hidden_layer_sizes=(32, 32, 32), activation="tanh", max_iter=3000, random_state=5).fit(X[50:], y[50:])
    print("cancer test accuracy", clf.score(X[:50], y[:50]))
    export(clf, X, "Benchmarks/models/tanh-cancer-30x32x32x32.onnx")
    D, t = load_digits(return_X_y=True)
    D = D / 16.0
    clf = MLPClassifier(hidden_layer_sizes=(32, 32, 32), activation="logistic", max_iter=3000, random_state=6).fit(D[100:], t[100:])
    print("digits test accuracy", clf.score(D[:100], t[:100]))
    export(clf, D, "Benchmarks/models/sigmoid-digits-64x32x32x32.onnx")
    with open("Benchmarks/models/smooth-centres.csv", "w") as f:
        f.write(",".join(repr(float(v)) for v in X[0]) + "\n")
        f.write(",".join(repr(float(v)) for v in D[0]) + "\n")

if sys.argv[1:] == ["smooth"]:
    smooth()
    sys.exit(0)

if sys.argv[1:] == ["spirals"]:
    spirals()
    sys.exit(0)

X, y = make_moons(n_samples=600, noise=0.25, random_state=0)
X = (X - X.mean(0)) / X.std(0)
clf = MLPClassifier(hidden_layer_sizes=(32, 32, 32), activation="relu", max_iter=3000, random_state=1).fit(X, y)
export(clf, X, "Benchmarks/models/relu-2x32x32x32.onnx")

clf = MLPClassifier(hidden_layer_sizes=(24, 24), activation="tanh", max_iter=3000, random_state=1).fit(X, y)
export(clf, X, "Benchmarks/models/tanh-2x24x24.onnx")

X4, y4 = make_classification(n_samples=600, n_features=4, n_informative=3, n_redundant=0, random_state=2)
clf = MLPClassifier(hidden_layer_sizes=(16, 16), activation="relu", max_iter=3000, random_state=2).fit(X4, y4)
export(clf, X4, "Benchmarks/models/relu-4x16x16.onnx")

X30, y30 = make_classification(n_samples=600, n_features=30, n_informative=10, random_state=3)
clf = MLPClassifier(hidden_layer_sizes=(16,), activation="relu", max_iter=3000, random_state=3).fit(X30, y30)
export(clf, X30, "Benchmarks/models/relu-30x16.onnx")
