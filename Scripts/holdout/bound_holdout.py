#!/usr/bin/env python3
"""Holdout measurement of `climep linearize`'s certified error bound (issue 10, Done when)
on smooth scikit-learn models the test suite has never seen.

For each model (trained here, exported with skl2onnx) and box, `climep linearize --json`
gives the certified bound on max |f_i - g_i| and the largest difference its own search
proved. Independently of climep's code, this script rebuilds f from the ONNX weights and
g from the fit the JSON prints (breakpoints, slopes, intercepts), then

- samples 20,000 random points and corners of the box: no |f - g| may exceed the bound
  (the script stops with an error if one does);
- climbs +-(f_i - g_i) by projected sign-gradient ascent from 64 random starts per
  objective (400 steps): a second, stronger lower bound on the true maximum (floating
  point, not proven, so it is only used for the ratio's denominator beside climep's
  proven one).

It prints one table row per (model, box, pieces): bound, climep's attained, the script's
attained, and bound / max(attained); then the worst and median ratio.

Usage: python3 Scripts/holdout/bound_holdout.py CLIMEP_BINARY [LINEARIZE OPTIONS...]
Needs scikit-learn, skl2onnx, onnx, numpy (not the test suite).
"""
import json
import subprocess
import sys
import tempfile
from fractions import Fraction

import numpy as np
import onnx
from onnx import numpy_helper
from skl2onnx import to_onnx
from sklearn.datasets import load_breast_cancer, load_wine, make_classification, make_moons
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

MODELS = [
    # name, data, hidden, activation, seed
    ("hb_moons_tanh_16x16", "moons", (16, 16), "tanh", 201),
    ("hb_moons_logistic_12", "moons", (12,), "logistic", 202),
    ("hb_class5_tanh_10x10x10", "class5", (10, 10, 10), "tanh", 203),
    ("hb_class8_logistic_16x8", "class8", (16, 8), "logistic", 204),
    ("hb_wine_tanh_20x20", "wine", (20, 20), "tanh", 205),
    ("hb_cancer_logistic_24x12", "cancer", (24, 12), "logistic", 206),
]
PIECES = [8, 16]


def dataset(kind, seed):
    if kind == "moons":
        x, y = make_moons(n_samples=500, noise=0.2, random_state=seed)
    elif kind.startswith("class"):
        d = int(kind[5:])
        x, y = make_classification(n_samples=500, n_features=d, n_informative=d, n_redundant=0, n_classes=3,
                                   n_clusters_per_class=1, random_state=seed)
    elif kind == "wine":
        x, y = load_wine(return_X_y=True)
    else:
        x, y = load_breast_cancer(return_X_y=True)
    return StandardScaler().fit_transform(x), y


def layers_of(path):
    """(W, b) per dense layer, in order, from skl2onnx's MatMul/Add pairs."""
    model = onnx.load(path)
    init = {t.name: numpy_helper.to_array(t).astype(np.float64) for t in model.graph.initializer}
    layers, weight = [], None
    for node in model.graph.node:
        if node.op_type == "MatMul":
            weight = init[node.input[1]].T
        elif node.op_type == "Add" and weight is not None:
            layers.append((weight, init[node.input[1]].ravel()))
            weight = None
    return layers


def activation(name):
    if name == "tanh":
        return np.tanh, lambda z: 1 - np.tanh(z) ** 2
    s = lambda z: 1 / (1 + np.exp(-z))
    return s, lambda z: s(z) * (1 - s(z))


class Pair:
    """f (the model) and g (its fit) in float64."""

    def __init__(self, layers, act, fit):
        self.layers, (self.s, self.ds) = layers, activation(act)
        self.bp, self.sl, self.ic = fit

    def p(self, z):
        i = np.searchsorted(self.bp, z)
        return self.sl[i] * z + self.ic[i]

    def dp(self, z):
        return self.sl[np.searchsorted(self.bp, z)]

    def forward(self, x):
        hf = hg = x
        slopes = []
        for k, (w, b) in enumerate(self.layers):
            zf, zg = hf @ w.T + b, hg @ w.T + b
            if k == len(self.layers) - 1:
                slopes.append((np.ones_like(zf), np.ones_like(zg)))
                hf, hg = zf, zg
            else:
                slopes.append((self.ds(zf), self.dp(zg)))
                hf, hg = self.s(zf), self.p(zg)
        return hf - hg, slopes

    def gradient(self, x, logit):
        d, slopes = self.forward(x)
        vf = np.zeros((x.shape[0], d.shape[1]))
        vf[:, logit] = 1
        vg = vf.copy()
        for (w, _), (sf, sg) in reversed(list(zip(self.layers, slopes))):
            vf, vg = (vf * sf) @ w, (vg * sg) @ w
        return d[:, logit], vf - vg

    def climb(self, low, high, starts=64, steps=400, seed=0):
        rng = np.random.default_rng(seed)
        width = high - low
        logits = self.layers[-1][0].shape[0]
        best = 0.0
        for logit in range(logits):
            for sign in (1.0, -1.0):
                x = rng.uniform(low, high, (starts, len(low)))
                for t in range(steps):
                    value, grad = self.gradient(x, logit)
                    best = max(best, float(np.max(sign * value)))
                    x = np.clip(x + (0.1 * (1 - t / steps) + 0.002) * width * np.sign(sign * grad), low, high)
        return best


def fraction(text):
    return float(Fraction(text))


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    climep = sys.argv[1]
    extra = sys.argv[2:]  # further `linearize` options, e.g. --splits 64
    rows, ratios = [], []
    with tempfile.TemporaryDirectory() as work:
        for name, data, hidden, act, seed in MODELS:
            x, y = dataset(data, seed)
            clf = MLPClassifier(hidden_layer_sizes=hidden, activation=act, max_iter=3000, random_state=seed).fit(x, y)
            path = f"{work}/{name}.onnx"
            with open(path, "wb") as f:
                f.write(to_onnx(clf, x[:1].astype(np.float32), options={"zipmap": False}).SerializeToString())
            layers = layers_of(path)
            rng = np.random.default_rng(seed)
            centre = x[rng.integers(len(x))]
            # The data's bounding box for few inputs; an L-infinity ball of radius 1/4 otherwise.
            if x.shape[1] <= 2:
                low, high = x.min(0) - 0.5, x.max(0) + 0.5
            else:
                low, high = centre - 0.25, centre + 0.25
            box = ",".join(f"{Fraction(a).limit_denominator(1 << 20)}:{Fraction(b).limit_denominator(1 << 20)}"
                           for a, b in zip(low, high))
            for pieces in PIECES:
                out = subprocess.run([climep, "linearize", path, "--box", box, "--pieces", str(pieces), "--json"] + extra,
                                     capture_output=True, text=True)
                if out.returncode != 0:
                    raise SystemExit(f"{name}: climep linearize failed: {out.stderr.strip()}")
                summary = json.loads(out.stdout)
                bound = max(fraction(b) for b in summary["errorBound"])
                proven = fraction(summary["attained"]["lowerBound"])
                fit = summary["functions"]["tanh" if act == "tanh" else "sigmoid"]
                pair = Pair(layers, act, [np.array([fraction(v) for v in fit[key]])
                                          for key in ("breakpoints", "slopes", "intercepts")])
                lo = np.array([fraction(v) for v in summary["box"]["lower"]])
                hi = np.array([fraction(v) for v in summary["box"]["upper"]])
                samples = np.concatenate([rng.uniform(lo, hi, (10000, len(lo))),
                                          np.where(rng.random((10000, len(lo))) < 0.5, lo, hi)])
                sampled = float(np.max(np.abs(pair.forward(samples)[0])))
                if sampled > bound:
                    raise SystemExit(f"{name}, n = {pieces}: a sampled |f - g| = {sampled} exceeds the bound {bound}")
                climbed = pair.climb(lo, hi, seed=seed)
                attained = max(proven, sampled, climbed)
                ratio = bound / attained
                ratios.append(ratio)
                rows.append(f"| {name} | {len(lo)} | {pieces} | {summary['subBoxes']} | {bound:.4g} | {proven:.4g} "
                            f"| {max(sampled, climbed):.4g} | {ratio:.2f} |")
                print(rows[-1], flush=True)
    print()
    print("| model | inputs | n | sub-boxes | certified bound | climep attained (proven) | script attained (float) | bound / attained |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    print("\n".join(rows))
    print(f"\nworst ratio {max(ratios):.2f}, median {float(np.median(ratios)):.2f} over {len(ratios)} cases; "
          "no sampled point exceeded its bound")


if __name__ == "__main__":
    main()
