#!/usr/bin/env python3
"""Export the graph patterns of issue 13 with the real exporters, for climep's tests.

How to run (from anywhere; paths are relative to this file):

    pip install 'torch==2.13.0+cpu' onnxscript scikit-learn skl2onnx onnx onnxruntime numpy
    python3 Tests/Fixtures/make_exporter_fixtures.py      # writes Tests/Fixtures/exporters/
    python3 Tests/Fixtures/make_exporter_fixtures.py --only torch_legacy_opset17_gelu_tanh,...
        # writes only the named fixtures' files and replaces (or appends) their
        # entries in manifest.json, leaving every other file's bytes alone

(`pip install torch` alone pulls the CUDA build; the CPU wheel is the one above.)

The Swift tests read only the committed output; they never run this script.
Fixed seeds, one onnxruntime thread, graph optimisations off for the logits
(see make_fixtures.py, whose helpers and file conventions this script reuses:
NAME.onnx, NAME.points.csv, NAME.expected.csv with exact decimal expansions of
onnxruntime's float32 values, points with a top-two logit gap below 1e-3
dropped, and the default optimised session cross-checked on the labels).

Versions used to produce the committed files:
    Python 3.11.7, torch 2.13.0+cpu, onnxscript 0.7.2, numpy 2.4.6,
    scikit-learn 1.9.1, skl2onnx 1.20.0, onnx 1.23.2, onnxruntime 1.32.0

Every model is written by the exporter itself (torch.onnx.export or
skl2onnx.to_onnx), never rewritten here, so each graph is exactly what a user
of that exporter gets:

* torch_dynamo_external_data: torch.onnx.export(model, x, path) with torch's
  defaults (dynamo exporter, external data): the initializers live in
  NAME.onnx.data beside the model.
* torch_legacy_batchnorm1d: Linear -> BatchNorm1d -> ReLU -> Linear, legacy
  exporter (dynamo=False): a BatchNormalization node in inference form.
* torch_dynamo_batchnorm1d_noopt: the same with the dynamo exporter and
  optimize=False.
* torch_legacy_view_dynamic_batch: x.view(x.size(0), -1) on a [N, 2, 2] input
  with a dynamic batch, legacy exporter: Shape -> Gather -> Unsqueeze ->
  Concat -> Reshape.
* torch_dynamo_view_noopt_dynamic_batch: the same with the dynamo exporter,
  optimize=False and a dynamic batch: Shape -> Squeeze -> Reshape -> Concat
  -> Reshape.
* torch_dynamo_view_noopt_static_batch: the same with a static batch.
* torch_legacy_transpose_nofold: x @ W.t() + b, legacy exporter with
  do_constant_folding=False: Transpose of a weight initializer, MatMul, Add.
* torch_legacy_softplus: Linear -> Softplus -> Linear -> Softplus -> Linear
  (nn.Softplus()), legacy exporter: ONNX Softplus nodes.
* torch_dynamo_softplus: the same model by the dynamo exporter, which writes
  torch's threshold, Where(Greater(x, 20), x, Softplus(x)) — not softplus:
  x above 20, off by at most log(1 + e^-20) ~ 2e-9 (climep: softplus, with
  that difference as a rigorous bias radius of the next layer).
* torch_legacy_elu_half, torch_dynamo_elu_half: the same shape with
  nn.ELU(alpha=0.5): Elu nodes with alpha 0.5.
* torch_legacy_silu, torch_dynamo_silu: nn.SiLU(), written by both
  exporters as Sigmoid(x) and Mul(x, Sigmoid(x)).
* torch_legacy_gelu, torch_dynamo_gelu: nn.GELU() at opset 20: Gelu nodes
  with approximate="none".
* torch_legacy_gelu_tanh, torch_dynamo_gelu_tanh: nn.GELU(approximate="tanh")
  at opset 20: Gelu nodes with approximate="tanh".
* torch_legacy_opset18_gelu: the same model, legacy exporter at opset 18:
  torch's chain Div(x, float32(sqrt 2)) -> Erf -> Add(1) -> Mul(x) -> Mul(0.5).
* torch_legacy_opset17_gelu_tanh: the tanh-GELU model above, legacy exporter at
  opset 17 (every legacy opset 11-19 writes the same): torch's node-by-node
  chain Mul(x, x) -> Mul(x, .) -> Mul(0.044715f, .) -> Add(x, .) ->
  Mul(sqrt(2/pi)f, .) -> Tanh -> Add(1, .) -> Mul(x, .) -> Mul(0.5, .), the
  constants float32 (climep: gelu-tanh with exactly those constants).
* torch_dynamo_opset18_gelu_tanh: the same model, dynamo exporter at opset 18
  (16, 17 and 19 write the same ops): Pow(x, 3) -> Mul(0.044715f, .) -> Add(x, .) ->
  Mul(sqrt(2/pi)f, .) -> Tanh -> Add(., 1) -> Mul(0.5, .) -> Mul(x, .).
* torch_legacy_elu_negative, torch_dynamo_elu_negative: nn.ELU(alpha=-0.5),
  Elu nodes with alpha -0.5 (not monotone: decreasing on x < 0).
* torch_legacy_elu_zero: nn.ELU(alpha=0.0), an Elu node with alpha 0, which
  is ReLU (climep: relu, exact).
* torch_legacy_hardsigmoid, torch_dynamo_hardsigmoid: nn.Hardsigmoid():
  HardSigmoid nodes with alpha float32(1/6), beta 0.5 (climep: the exact
  affine map alpha*x + beta, then hard-tanh on [0, 1]).
* tf2onnx_swish, tf2onnx_hard_sigmoid: Keras 3 MLPs (two Dense layers of 8
  with activation "swish" / "hard_sigmoid") converted by
  tf2onnx.convert.from_keras at opset 17: Sigmoid and Mul (SiLU), and
  Add(3) -> Clip(0, 6) -> Mul(1/6) (Keras 3's hard_sigmoid, relu6(x + 3)/6).
  TensorFlow and tf2onnx conflict with torch's protobuf, so they live in their
  own virtual environment, named by TF2ONNX_PYTHON (its python executable):
      python3 -m venv /tmp/tfenv && /tmp/tfenv/bin/pip install tf2onnx tensorflow-cpu
      TF2ONNX_PYTHON=/tmp/tfenv/bin/python python3 Tests/Fixtures/make_exporter_fixtures.py
  Without TF2ONNX_PYTHON these two are not written. (Keras's "gelu" converts
  to an Erfc node, which is not an ONNX operator: tf2onnx itself reports it
  unsupported, so there is no tf2onnx GELU fixture.) Versions used:
  tensorflow-cpu 2.21.0 with keras 3.15.1, tf2onnx 1.17.0.
* sk_pipeline_scaler_mlp: Pipeline(StandardScaler(), MLPClassifier()) by
  skl2onnx: ai.onnx.ml.Scaler before the MLP.

The models' logits are the last dense layer's output (torch: the graph
output; skl2onnx: the input of the output activation).
"""

import json
import os
import shutil
import sys
import warnings

import numpy as np
import onnx

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_fixtures as mf  # noqa: E402

OUT = os.path.join(HERE, "exporters")
N_KEEP = 32


def dataset(seed, d=4, k=3):
    from sklearn.datasets import make_blobs
    X, y = make_blobs(n_samples=300, centers=k, n_features=d, cluster_std=2.0, random_state=seed)
    return X.astype(np.float32), y


def train(model, X, y, seed, steps=300):
    import torch
    torch.manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=0.02)
    xs, ys = torch.tensor(X), torch.tensor(y, dtype=torch.long)
    model.train()
    for _ in range(steps):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(xs), ys)
        loss.backward()
        opt.step()
    model.eval()
    return model


def mlp(d, hidden, k, seed, *, batchnorm=False, view=False, transpose=False):
    import torch
    torch.manual_seed(seed)  # the initial weights

    class MLP(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.l1 = torch.nn.Linear(d, hidden)
            self.bn = torch.nn.BatchNorm1d(hidden) if batchnorm else None
            self.l2 = torch.nn.Linear(hidden, k)

        def forward(self, x):
            if view:
                x = x.view(x.size(0), -1)
            h = x @ self.l1.weight.t() + self.l1.bias if transpose else self.l1(x)
            if self.bn is not None:
                h = self.bn(h)
            return self.l2(torch.relu(h))

    return MLP()


def smooth_mlp(d, hidden, k, seed, act):
    """Two hidden layers of `hidden` units with the activation module `act`."""
    import torch
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(d, hidden), act, torch.nn.Linear(hidden, hidden), act,
                               torch.nn.Linear(hidden, k))


def export(model, name, shape_tail, how, seed, X, dynamic=True):
    """Exports with `how` (a function of (model, example, path)), writes the
    fixture files and returns the manifest entry. A model without a dynamic
    batch is exported with a batch of 1 and evaluated one point at a time."""
    import torch
    path = os.path.join(OUT, name + ".onnx")
    batch = 5 if dynamic else 1
    example = torch.tensor(X[:batch]).reshape((batch,) + tuple(shape_tail))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        how(model, example, path)
    data = path + ".data"
    if os.path.exists(data) and os.path.getsize(data) == 0:
        os.remove(data)  # torch writes an empty data file when every tensor is small
    m = onnx.load(path)  # loads external data into memory for onnxruntime
    mf.check(m)
    box = mf.data_box(X)
    rng = np.random.default_rng(seed)
    cand = mf.box_points(rng, box, 3 * N_KEEP, np.float32, data=X)
    logits = m.graph.output[0].name
    stats = mf.evaluate_and_write(m, name, OUT, cand, logits, n_keep=N_KEEP,
                                  input_shape_tail=shape_tail if dynamic else (1,) + tuple(shape_tail),
                                  per_point=not dynamic)
    stored = onnx.load(path, load_external_data=False)
    external = sorted({e.value for t in stored.graph.initializer for e in t.external_data if e.key == "location"})
    return entry(name, stored, X.shape[1], stats, box, external)


def entry(name, model, d, stats, box, external, layers=None, exporter="torch " + "2.13.0+cpu"):
    ops = mf.op_types(model)
    return {
        "name": name, "file": name + ".onnx", "points": name + ".points.csv",
        "expected": name + ".expected.csv", "exporter": exporter,
        "inputShape": mf.shape_of(model.graph.input[0]), "inputs": d, "classes": 3,
        "layers": layers or [{"inputs": d, "outputs": 0, "activation": "relu"}],
        "box": box, "ops": ops, "externalData": external,
        "notes": "Node op types: %s. Points: %d kept, %d dropped for a logit gap < 1e-3."
                 % (" ".join(ops), stats["kept"], stats["dropped"]),
    }


def torch_models():
    import torch
    out = []

    def dense(d, h, k):
        return [{"inputs": d, "outputs": h, "activation": "relu"}, {"inputs": h, "outputs": k, "activation": "identity"}]

    # torch >= 2.9 defaults: dynamo, external data (written for tensors above onnx's size threshold).
    X, y = dataset(11, d=8)
    m = train(mlp(8, 48, 3, 11), X, y, 11)
    e = export(m, "torch_dynamo_external_data", (8,), lambda mod, x, p: torch.onnx.export(mod, (x,), p), 11, X, dynamic=False)
    assert e["externalData"] == ["torch_dynamo_external_data.onnx.data"], e["externalData"]
    e["layers"] = dense(8, 48, 3)
    out.append(e)

    X, y = dataset(12)
    m = train(mlp(4, 6, 3, 12, batchnorm=True), X, y, 12)
    e = export(m, "torch_legacy_batchnorm1d", (4,),
               lambda mod, x, p: torch.onnx.export(mod, (x,), p, dynamo=False, input_names=["x"],
                                                   dynamic_axes={"x": {0: "batch"}}), 12, X)
    assert "BatchNormalization" in e["ops"], e["ops"]
    e["layers"] = dense(4, 6, 3)
    out.append(e)
    e = export(m, "torch_dynamo_batchnorm1d_noopt", (4,),
               lambda mod, x, p: torch.onnx.export(mod, (x,), p, optimize=False), 12, X, dynamic=False)
    assert "BatchNormalization" in e["ops"], e["ops"]
    e["layers"] = dense(4, 6, 3)
    out.append(e)

    X, y = dataset(13)
    m = train(mlp(4, 6, 3, 13, view=True), X, y, 13)
    e = export(m, "torch_legacy_view_dynamic_batch", (2, 2),
               lambda mod, x, p: torch.onnx.export(mod, (x,), p, dynamo=False, input_names=["x"],
                                                   dynamic_axes={"x": {0: "batch"}}), 13, X)
    assert e["ops"][:1] == ["Shape"] and "Gather" in e["ops"], e["ops"]
    e["layers"] = dense(4, 6, 3)
    out.append(e)
    e = export(m, "torch_dynamo_view_noopt_dynamic_batch", (2, 2),
               lambda mod, x, p: torch.onnx.export(mod, (x,), p, optimize=False,
                                                   dynamic_shapes=({0: torch.export.Dim("batch")},)), 13, X)
    assert "Shape" in e["ops"], e["ops"]
    e["layers"] = dense(4, 6, 3)
    out.append(e)
    e = export(m, "torch_dynamo_view_noopt_static_batch", (2, 2),
               lambda mod, x, p: torch.onnx.export(mod, (x,), p, optimize=False), 13, X, dynamic=False)
    e["layers"] = dense(4, 6, 3)
    out.append(e)

    X, y = dataset(14)
    m = train(mlp(4, 6, 3, 14, transpose=True), X, y, 14)
    e = export(m, "torch_legacy_transpose_nofold", (4,),
               lambda mod, x, p: torch.onnx.export(mod, (x,), p, dynamo=False, do_constant_folding=False,
                                                   input_names=["x"], dynamic_axes={"x": {0: "batch"}}), 14, X)
    assert "Transpose" in e["ops"], e["ops"]
    e["layers"] = dense(4, 6, 3)
    out.append(e)
    return out + torch_smooth_models()


def torch_smooth_models():
    """The smooth and composite activations (selectable with --only)."""
    import torch
    out = []

    def smooth_layers(d, h, k, name):
        return [{"inputs": d, "outputs": h, "activation": name}, {"inputs": h, "outputs": h, "activation": name},
                {"inputs": h, "outputs": k, "activation": "identity"}]

    legacy = lambda mod, x, p: torch.onnx.export(mod, (x,), p, dynamo=False, input_names=["x"],
                                                 dynamic_axes={"x": {0: "batch"}})
    dynamo = lambda mod, x, p: torch.onnx.export(mod, (x,), p)
    for seed, tag, act, op, name in [(16, "softplus", torch.nn.Softplus(), "Softplus", "softplus"),
                                     (17, "elu_half", torch.nn.ELU(alpha=0.5), "Elu", "elu")]:
        X, y = dataset(seed)
        if not any(wanted("torch_%s_%s" % (exporter, tag)) for exporter in ["legacy", "dynamo"]):
            continue
        m = train(smooth_mlp(4, 8, 3, seed, act), X, y, seed)
        for how, exporter, dynamic in [(legacy, "legacy", True), (dynamo, "dynamo", False)]:
            if not wanted("torch_%s_%s" % (exporter, tag)):
                continue
            e = export(m, "torch_%s_%s" % (exporter, tag), (4,), how, seed, X, dynamic=dynamic)
            assert op in e["ops"], e["ops"]
            if tag == "softplus" and exporter == "dynamo":
                assert "Where" in e["ops"] and "Greater" in e["ops"], e["ops"]
            e["layers"] = smooth_layers(4, 8, 3, name)
            out.append(e)

    legacy18 = lambda mod, x, p: torch.onnx.export(mod, (x,), p, dynamo=False, opset_version=18, input_names=["x"],
                                                   dynamic_axes={"x": {0: "batch"}})
    legacy17 = lambda mod, x, p: torch.onnx.export(mod, (x,), p, dynamo=False, opset_version=17, input_names=["x"],
                                                   dynamic_axes={"x": {0: "batch"}})
    dynamo18 = lambda mod, x, p: torch.onnx.export(mod, (x,), p, opset_version=18)
    for seed, tag, act, op, name, ways in [
            (18, "silu", torch.nn.SiLU(), "Mul", "silu", [(legacy, "legacy", True), (dynamo, "dynamo", False)]),
            (19, "gelu", torch.nn.GELU(), "Gelu", "gelu", [(legacy, "legacy", True), (dynamo, "dynamo", False)]),
            (19, "gelu", torch.nn.GELU(), "Erf", "gelu", [(legacy18, "legacy_opset18", True)]),
            (21, "gelu_tanh", torch.nn.GELU(approximate="tanh"), "Gelu", "gelu-tanh",
             [(legacy, "legacy", True), (dynamo, "dynamo", False)]),
            (21, "gelu_tanh", torch.nn.GELU(approximate="tanh"), "Tanh", "gelu-tanh",
             [(legacy17, "legacy_opset17", True), (dynamo18, "dynamo_opset18", False)]),
            (24, "elu_negative", torch.nn.ELU(alpha=-0.5), "Elu", "elu",
             [(legacy, "legacy", True), (dynamo, "dynamo", False)]),
            (25, "elu_zero", torch.nn.ELU(alpha=0.0), "Elu", "relu", [(legacy, "legacy", True)]),
            (20, "hardsigmoid", torch.nn.Hardsigmoid(), "HardSigmoid", "hard-tanh",
             [(legacy, "legacy", True), (dynamo, "dynamo", False)])]:
        X, y = dataset(seed)
        if not any(wanted("torch_%s_%s" % (exporter, tag)) for _, exporter, _ in ways):
            continue
        m = train(smooth_mlp(4, 8, 3, seed, act), X, y, seed)
        for how, exporter, dynamic in ways:
            if not wanted("torch_%s_%s" % (exporter, tag)):
                continue
            e = export(m, "torch_%s_%s" % (exporter, tag), (4,), how, seed, X, dynamic=dynamic)
            assert op in e["ops"], e["ops"]
            e["layers"] = smooth_layers(4, 8, 3, name)
            out.append(e)
    return out


TF_EXPORT = r'''
import os, sys
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import numpy as np, tensorflow as tf, tf2onnx
act, seed, path, data = sys.argv[1], int(sys.argv[2]), sys.argv[3], np.load(sys.argv[4])
X, y = data["X"], data["y"]
tf.keras.utils.set_random_seed(seed)
inp = tf.keras.Input(shape=(X.shape[1],), name="x")
h = tf.keras.layers.Dense(8, activation=act)(inp)
h = tf.keras.layers.Dense(8, activation=act)(h)
m = tf.keras.Model(inp, tf.keras.layers.Dense(3)(h))
m.compile(optimizer=tf.keras.optimizers.Adam(0.02),
          loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
m.fit(X, y, epochs=40, batch_size=300, verbose=0)
spec = (tf.TensorSpec((None, X.shape[1]), tf.float32, name="x"),)
proto, _ = tf2onnx.convert.from_keras(m, input_signature=spec, opset=17)
with open(path, "wb") as f:
    f.write(proto.SerializeToString())
print(tf.__version__, tf2onnx.__version__)
'''


def tf2onnx_models():
    import subprocess
    import tempfile
    python = os.environ.get("TF2ONNX_PYTHON")
    if not python:
        print("exporters: TF2ONNX_PYTHON not set, tf2onnx fixtures skipped")
        return []
    out = []
    for seed, act, name, op in [(22, "swish", "silu", "Mul"), (23, "hard_sigmoid", "hard-tanh", "Clip")]:
        X, y = dataset(seed)
        with tempfile.TemporaryDirectory() as tmp:
            data = os.path.join(tmp, "data.npz")
            np.savez(data, X=X, y=y)
            versions = []

            def how(_model, _example, path):
                r = subprocess.run([python, "-c", TF_EXPORT, act, str(seed), path, data],
                                   capture_output=True, text=True, check=True)
                versions.append(r.stdout.split()[-2:])

            e = export(None, "tf2onnx_%s" % act, (4,), how, seed, X, dynamic=True)
        assert op in e["ops"], e["ops"]
        e["exporter"] = "tf2onnx %s (tensorflow %s)" % (versions[0][1], versions[0][0])
        e["layers"] = [{"inputs": 4, "outputs": 8, "activation": name}, {"inputs": 8, "outputs": 8, "activation": name},
                       {"inputs": 8, "outputs": 3, "activation": "identity"}]
        out.append(e)
    return out


def sklearn_models():
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler
    from skl2onnx import to_onnx
    import skl2onnx

    X, y = dataset(15)
    X = X * np.float32(3) + np.float32(5)  # far from standardised, so the Scaler matters
    pipe = Pipeline([("scale", StandardScaler()),
                     ("mlp", MLPClassifier(hidden_layer_sizes=(8,), max_iter=3000, random_state=15))])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        pipe.fit(X, y)
    name = "sk_pipeline_scaler_mlp"
    model = to_onnx(pipe, X[:1], options={"zipmap": False})
    mf.check(model)
    assert "Scaler" in mf.op_types(model), mf.op_types(model)
    onnx.save(model, os.path.join(OUT, name + ".onnx"))
    logits, label, _ = mf.skl_logits_and_outputs(model)
    box = mf.data_box(X)
    cand = mf.box_points(np.random.default_rng(15), box, 3 * N_KEEP, np.float32, data=X)
    stats = mf.evaluate_and_write(model, name, OUT, cand, logits, input_shape_tail=(4,), label_output=label,
                                  n_keep=N_KEEP)
    layers = [{"inputs": 4, "outputs": 8, "activation": "relu"}, {"inputs": 8, "outputs": 3, "activation": "identity"}]
    return [entry(name, model, 4, stats, box, [], layers, exporter="skl2onnx " + skl2onnx.__version__)]


ONLY = None  # the fixture names of --only, or None for all


def wanted(name):
    return ONLY is None or name in ONLY


def main():
    global ONLY
    if len(sys.argv) == 3 and sys.argv[1] == "--only":
        ONLY = set(sys.argv[2].split(","))
    elif len(sys.argv) != 1:
        sys.exit("usage: make_exporter_fixtures.py [--only NAME,NAME,...]")
    if ONLY is None:
        if os.path.isdir(OUT):
            shutil.rmtree(OUT)
        os.makedirs(OUT)
        manifest = torch_models() + tf2onnx_models() + sklearn_models()
    else:
        # Only the smooth-activation torch fixtures are selectable (the others are written in one pass).
        written = torch_smooth_models()
        missing = ONLY - {e["name"] for e in written}
        if missing:
            sys.exit("make_exporter_fixtures.py: --only names no selectable fixture %s" % sorted(missing))
        with open(os.path.join(OUT, "manifest.json")) as fh:
            old = json.load(fh)
        new = {e["name"]: e for e in written}
        manifest = [new.pop(e["name"], e) for e in old] + list(new.values())
    for e in manifest:
        print("exporters: %-40s %s%s" % (e["name"], " ".join(e["ops"]),
                                         "  external: %s" % e["externalData"] if e["externalData"] else ""))
    mf.write_json(os.path.join(OUT, "manifest.json"), manifest)


if __name__ == "__main__":
    main()
