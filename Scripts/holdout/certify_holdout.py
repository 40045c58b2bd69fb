#!/usr/bin/env python3
"""Holdout validation of `climep certify` / `check` / `dnet predict` on scikit-learn
models the test suite has never seen (issue "DecisionNet, certificates and the
independent checker", Done when):

- ReLU models: the DecisionNet's label equals onnxruntime's on every sampled point of
  the box (a ReLU model is its own linearization, so DNet = g = f exactly);
- tanh/logistic models: every sampled point where the certificate proves agreement
  (g's margin exceeds the certified error bound: g_i - g_j > e_i + e_j) gets the same
  label from the original model, evaluated independently at 60 significant digits
  (mpmath, from the ONNX weights read exactly);
- `climep check` accepts every fresh certificate and rejects tampered ones.

Usage: python3 Scripts/holdout/certify_holdout.py CLIMEP_BINARY [WORKDIR]
Needs scikit-learn, skl2onnx, onnx, onnxruntime, mpmath (not the test suite).
"""
import json
import os
import subprocess
import sys
import tempfile
from fractions import Fraction

import mpmath
import numpy as np
import onnx
import onnxruntime as ort
from onnx import numpy_helper
from skl2onnx import to_onnx
from sklearn.datasets import make_blobs, make_classification, make_moons
from sklearn.neural_network import MLPClassifier

mpmath.mp.dps = 60

MODELS = [
    # name, data, d, classes, hidden, activation, seed, box
    ("ho_moons_relu", "moons", 2, 2, (12, 12), "relu", 101, "-2:3,-1.5:2"),
    ("ho_blobs_relu_3c", "blobs", 2, 3, (10, 8), "relu", 102, "-8:8"),
    ("ho_class4_relu", "class", 4, 2, (8, 6), "relu", 103, "-1:1"),
    ("ho_moons_tanh", "moons", 2, 2, (10, 10), "tanh", 104, "-2:3,-1.5:2"),
    ("ho_blobs_logistic_3c", "blobs", 2, 3, (8,), "logistic", 105, "-6:6"),
    ("ho_class3_tanh_3c", "class", 3, 3, (6, 6), "tanh", 106, "-1:1"),
]


def dataset(kind, d, k, seed):
    if kind == "moons":
        return make_moons(n_samples=400, noise=0.2, random_state=seed)
    if kind == "blobs":
        return make_blobs(n_samples=400, centers=k, n_features=d, cluster_std=1.5, random_state=seed)
    return make_classification(n_samples=400, n_features=d, n_informative=d, n_redundant=0, n_classes=k,
                               n_clusters_per_class=1, random_state=seed)


def run(args, check=True):
    result = subprocess.run(args, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise SystemExit("failed: %s\n%s" % (" ".join(args), result.stderr))
    return result


def parse_box(text, d):
    parts = text.split(",")
    if len(parts) == 1:
        parts = parts * d
    return [tuple(float(v) for v in p.split(":")) for p in parts]


def mlp_weights(clf):
    """The trained layers, as the exact rationals of the float32 values ONNX stores."""
    return [([[Fraction(float(np.float32(w))) for w in row] for row in W.T],
             [Fraction(float(np.float32(b))) for b in B]) for W, B in zip(clf.coefs_, clf.intercepts_)]


def f_logits_mp(layers, act, x):
    h = [mpmath.mpf(v.numerator) / v.denominator for v in x]
    for k, (W, B) in enumerate(layers):
        z = [mpmath.fsum(mpmath.mpf(w.numerator) / w.denominator * hj for w, hj in zip(row, h))
             + mpmath.mpf(b.numerator) / b.denominator for row, b in zip(W, B)]
        if k < len(layers) - 1:
            if act == "relu":
                z = [max(v, 0) for v in z]
            elif act == "tanh":
                z = [mpmath.tanh(v) for v in z]
            else:
                z = [1 / (1 + mpmath.exp(-v)) for v in z]
        h = z
    return h


def label(logits):
    if len(logits) == 1:
        return 1 if logits[0] > 0 else 0
    best = 0
    for i, v in enumerate(logits):
        if v > logits[best]:
            best = i
    return best


def scores(logits):
    return [Fraction(0), logits[0]] if len(logits) == 1 else logits


def main():
    climep = os.path.abspath(sys.argv[1])
    work = sys.argv[2] if len(sys.argv) > 2 else tempfile.mkdtemp(prefix="climep-holdout-")
    os.makedirs(work, exist_ok=True)
    rng = np.random.default_rng(2026)
    summary = []
    for name, kind, d, k, hidden, act, seed, box_text in MODELS:
        X, y = dataset(kind, d, k, seed)
        clf = MLPClassifier(hidden_layer_sizes=hidden, activation=act, max_iter=2000, random_state=seed).fit(X, y)
        model = to_onnx(clf, X[:1].astype(np.float32), options={"zipmap": False})
        path = os.path.join(work, name + ".onnx")
        onnx.save(model, path)
        cert = os.path.join(work, name + ".certificate.json")
        smooth = act != "relu"
        args = [climep, "certify", path, "--box=" + box_text, "--out", cert, "--json"]
        if smooth:
            args += ["--pieces", "9"]
        certified = json.loads(run(args).stdout)
        checked = run([climep, "check", cert, "--model", path], check=False)
        assert checked.returncode == 0, checked.stderr

        # Tampering: a smaller bound (smooth models), a flipped table label, a wider box.
        doc = json.load(open(cert))
        tamperings = []
        if smooth:
            t = json.loads(json.dumps(doc)); t["linearization"]["errorBound"][0] = "0"; tamperings.append(("errorBound", t))
        if doc["decisionNet"]["table"]:
            t = json.loads(json.dumps(doc)); e = t["decisionNet"]["table"][0]; e["label"] = (e["label"] + 1) % k
            tamperings.append(("table label", t))
        t = json.loads(json.dumps(doc)); t["box"]["upper"][0] = str(Fraction(t["box"]["upper"][0]) + 1); tamperings.append(("wider box", t))
        rejected = 0
        for what, t in tamperings:
            tampered = os.path.join(work, name + ".tampered.json")
            json.dump(t, open(tampered, "w"))
            r = run([climep, "check", tampered, "--model", path], check=False)
            assert r.returncode == 1, "%s: tampering '%s' not rejected: %s" % (name, what, r.stderr)
            rejected += 1

        # Points of the box.
        box = parse_box(box_text, d)
        pts = np.array([[rng.uniform(lo, hi) for lo, hi in box] for _ in range(1500)], dtype=np.float32)
        csv = os.path.join(work, name + ".points.csv")
        with open(csv, "w") as out:
            out.write(",".join("x%d" % j for j in range(d)) + "\n")
            for p in pts:
                out.write(",".join(repr(float(v)) for v in p) + "\n")
        dnet = [int(v) for v in run([climep, "dnet", "predict", cert, "--input", csv]).stdout.split()[1:]]
        sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
        ort_labels = [int(v) for v in sess.run(None, {sess.get_inputs()[0].name: pts})[0]]
        line = {"model": name, "activation": act, "regions": certified["regions"],
                "dnet": certified["dnet"], "modelParameters": certified["model"]["parameters"],
                "errorBound": certified["errorBoundDecimal"], "tamperingsRejected": rejected}
        if not smooth:
            mismatches = sum(1 for a, b in zip(dnet, ort_labels) if a != b)
            line["dnetVsOnnxruntimeMismatches"] = mismatches
            assert mismatches == 0, "%s: %d DNet labels differ from onnxruntime" % (name, mismatches)
        else:
            g = run([climep, "predict", path, "--input", csv, "--box=" + box_text, "--pieces", "9", "--exact"]).stdout.split("\n")[1:]
            e = scores([Fraction(v) for v in doc["linearization"]["errorBound"]])
            layers = mlp_weights(clf)
            proven = agree = dnet_equals_g = 0
            for p, row, dl in zip(pts, g, dnet):
                parts = row.split(",")
                gl = int(parts[0])
                dnet_equals_g += dl == gl
                s = scores([Fraction(v) for v in parts[1:]])
                if all(j == gl or s[gl] - s[j] > e[gl] + e[j] for j in range(len(s))):
                    proven += 1
                    fl = label(f_logits_mp(layers, act, [Fraction(float(v)) for v in p]))
                    agree += fl == gl
            line.update({"dnetEqualsG": "%d/%d" % (dnet_equals_g, len(pts)),
                         "provenPoints": proven, "fAgreesWhereProven": agree})
            assert dnet_equals_g == len(pts) and agree == proven, line
        summary.append(line)
        print(json.dumps(line))
    print("all %d holdout models passed" % len(summary))


if __name__ == "__main__":
    main()
