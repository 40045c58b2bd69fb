#!/usr/bin/env python3
"""Generate climep's test fixtures with real exporters.

How to run (from anywhere; paths are relative to this file):

    pip install scikit-learn skl2onnx onnx onnxruntime numpy
    python3 Tests/Fixtures/make_fixtures.py            # models/, bad/, vnncomp/, ../../Examples/
    python3 Tests/Fixtures/make_fixtures.py --only models bad   # a subset

Parts: models (Tests/Fixtures/models), bad (Tests/Fixtures/bad),
vnncomp (Tests/Fixtures/vnncomp, needs the networks under
$CLIMEP_BENCHMARKS or /work/shared/benchmarks/vnncomp2021), examples (Examples/).

The Swift tests read only the committed output; they never run this script.
It is deterministic (fixed seeds, one onnxruntime thread, graph optimisations
off) and can be rerun; with the same package versions it rewrites the same
bytes.

Versions used to produce the committed files:
    Python 3.11.7, numpy 2.4.6, scikit-learn 1.9.1, skl2onnx 1.20.0,
    onnx 1.23.2 (protobuf 7.36.2), onnxruntime 1.32.0
Other versions may give different trained weights / graphs (e.g. skl2onnx
picks its default opset from the installed onnx), so rerunning with other
versions changes the fixtures; record the new versions here if you do.

Conventions of the files written:

* NAME.onnx, NAME.points.csv (header x0,x1,..., one point per row) and
  NAME.expected.csv (header label,logit0,logit1,...).
* Every number is the EXACT decimal expansion of the binary float that
  onnxruntime used or produced (float32, or float64 for float64-input
  models): no rounding anywhere.  Zero is written "0".  Very long
  expansions use an exact exponent form such as 1.401298464324817E-45.
* Points are float32 values (float64 values for models with a float64
  input) inside the box stated in the manifest (box = per-input [lo, hi]).
* "logits" = the output of the last dense layer, before any head
  (Softmax / LogSoftmax / Sigmoid / ArgMax / ZipMap).  They are obtained from
  onnxruntime itself: the intermediate tensor is added as an extra graph
  output on a copy of the model.  Never recomputed with numpy.
* label: multi-logit models: arg-max of the logits, ties -> lowest index;
  it is cross-checked against the graph's own label output (skl2onnx) or the
  arg-max of the head output (torch-style).  One-logit models (skl2onnx
  binary MLPClassifier, torch model with one output): label = 1 iff logit > 0,
  cross-checked against the graph's label / sigmoid output.
* Points whose top-two logit gap (one-logit models: |logit|) is below 1e-3 are
  DROPPED: there a float32 evaluation (onnxruntime) and an exact/float64
  evaluation (climep) may legitimately disagree on the label.
* vnncomp/ uses a different drop rule, because the ACAS Xu outputs are O(0.02) and their
  top-two gaps are mostly below 1e-3: a point is kept iff a float64 copy of the graph
  (onnxruntime, used only for this decision) has top-two gap >= 1e-5 and the same label
  as the float32 run.  The written outputs are still the float32 onnxruntime ones.
* onnxruntime runs with graph optimisations disabled (node-by-node, as the
  graph is written) and one thread; the script also checks that the default
  optimised session on the unmodified model gives the same labels.
* Every good model is checked with onnx.checker.check_model(full_check=True).
"""

import argparse
import copy
import decimal
import json
import math
import os
import re
from fractions import Fraction

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
MODELS_DIR = os.path.join(HERE, "models")
BAD_DIR = os.path.join(HERE, "bad")
VNN_DIR = os.path.join(HERE, "vnncomp")
EXAMPLES_DIR = os.path.join(REPO, "Examples")
BENCH = os.environ.get("CLIMEP_BENCHMARKS", "/work/shared/benchmarks/vnncomp2021")

GAP = 1e-3          # drop points whose top-two logit gap is below this
N_POINTS = 40       # points kept per model (before nothing is dropped we draw more)


# --------------------------------------------------------------------------
# numbers and files
# --------------------------------------------------------------------------

def exact(v):
    """Exact decimal expansion of a float32/float64 value (no rounding)."""
    f = float(v)  # float32 -> float64 is exact
    if not math.isfinite(f):
        raise ValueError("non-finite value %r" % f)
    if f == 0.0:
        return "0"
    d = decimal.Decimal(f)  # exact
    s = format(d, "f")
    if len(s) > 60:
        s = str(d)  # exact, scientific notation
    assert Fraction(decimal.Decimal(s)) == Fraction(f)
    return s


def write_csv(path, header, rows):
    with open(path, "w", newline="\n") as fh:
        fh.write(",".join(header) + "\n")
        for r in rows:
            fh.write(",".join(r) + "\n")


def write_json(path, obj):
    with open(path, "w") as fh:
        json.dump(obj, fh, indent=2)
        fh.write("\n")


def op_types(model):
    return [n.op_type for n in model.graph.node]


def shape_of(vi):
    out = []
    for d in vi.type.tensor_type.shape.dim:
        if d.HasField("dim_value"):
            out.append(d.dim_value)
        elif d.HasField("dim_param"):
            out.append(d.dim_param)
        else:
            out.append(None)
    return out


# --------------------------------------------------------------------------
# onnxruntime helpers
# --------------------------------------------------------------------------

def session(model, optimised=False):
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    so.graph_optimization_level = (ort.GraphOptimizationLevel.ORT_ENABLE_ALL if optimised
                                   else ort.GraphOptimizationLevel.ORT_DISABLE_ALL)
    data = model if isinstance(model, (bytes, bytearray)) else model.SerializeToString()
    return ort.InferenceSession(data, so, providers=["CPUExecutionProvider"])


def expose(model, names):
    """Copy of model with extra graph outputs for the intermediate tensors `names`."""
    m = copy.deepcopy(model)
    existing = {o.name for o in m.graph.output}
    for n in names:
        if n in existing:
            continue
        elem = None
        for vi in list(m.graph.value_info):
            if vi.name == n:
                elem = vi.type.tensor_type.elem_type
        if elem is None:
            # all our chains compute in one float type: the type of the graph's data input
            # (skl2onnx's leading Cast converts to that same type)
            elem = m.graph.input[0].type.tensor_type.elem_type
        m.graph.output.append(helper.make_tensor_value_info(n, elem, None))
    return m


def run(model, feeds_list, input_name, out_names, optimised=False):
    """Run points one batch (list of arrays) -> dict name -> list of arrays."""
    sess = session(model, optimised)
    res = {n: [] for n in out_names}
    for feed in feeds_list:
        outs = sess.run(out_names, {input_name: feed})
        for n, o in zip(out_names, outs):
            res[n].append(o)
    return res


def label_and_gap(logits):
    logits = [float(v) for v in logits]
    if len(logits) == 1:
        return (1 if logits[0] > 0 else 0), abs(logits[0])
    best = 0
    for i, v in enumerate(logits):
        if v > logits[best]:
            best = i
    rest = [v for i, v in enumerate(logits) if i != best]
    return best, logits[best] - max(rest)


# --------------------------------------------------------------------------
# evaluation of a model on candidate points -> fixture files
# --------------------------------------------------------------------------

def evaluate_and_write(model, name, outdir, candidates, logits_name, *, input_shape_tail,
                       label_output=None, head_output=None, head_kind=None,
                       n_keep=N_POINTS, per_point=False):
    """candidates: (N, d) array already of the model's input dtype.
    label_output: name of a graph output holding the predicted class (skl2onnx).
    head_output: name of a graph output holding probabilities / log-probs / sigmoid
    (cross-checked by arg-max, or > 0.5 for a sigmoid of one logit).
    Writes NAME.points.csv, NAME.expected.csv; returns number of points kept."""
    m = expose(model, [logits_name])
    in_name = m.graph.input[0].name
    outs = [logits_name] + [o for o in (label_output, head_output) if o and o != logits_name]
    if per_point:
        feeds = [c.reshape(input_shape_tail) for c in candidates]
    else:
        feeds = [candidates.reshape((len(candidates),) + tuple(input_shape_tail))]
    res = run(m, feeds, in_name, outs)
    cat = {k: np.concatenate([np.asarray(a).reshape(len(a) if not per_point else 1, -1)
                              for a in v], axis=0) for k, v in res.items()}
    logits = cat[logits_name]
    # optimised run of the *unmodified* model: labels must agree
    ref_out = label_output or head_output or logits_name
    ref = run(model, feeds, in_name, [ref_out], optimised=True)[ref_out]
    ref = np.concatenate([np.asarray(a).reshape(len(a) if not per_point else 1, -1) for a in ref], axis=0)

    rows_p, rows_e = [], []
    dropped = 0
    for i in range(len(candidates)):
        lab, gap = label_and_gap(logits[i])
        if gap < GAP:
            dropped += 1
            continue
        # cross-checks
        if label_output:
            assert int(cat[label_output][i][0]) == lab, (name, i, lab, cat[label_output][i])
        if head_output:
            h = cat[head_output][i]
            if head_kind == "sigmoid1":
                assert (1 if h[0] > 0.5 else 0) == lab, (name, i)
            else:
                assert int(np.argmax(h)) == lab, (name, i)
        if ref_out == label_output:
            assert int(ref[i][0]) == lab, (name, "optimised", i)
        elif ref_out == logits_name:
            assert label_and_gap(ref[i])[0] == lab, (name, "optimised", i)
            assert np.allclose(ref[i], logits[i], rtol=1e-4, atol=1e-5)
        elif head_kind == "sigmoid1":
            assert (1 if ref[i][0] > 0.5 else 0) == lab
        else:
            assert int(np.argmax(ref[i])) == lab
        rows_p.append([exact(v) for v in candidates[i].reshape(-1)])
        rows_e.append([str(lab)] + [exact(v) for v in logits[i]])
        if len(rows_p) == n_keep:
            break
    assert len(rows_p) == n_keep, (name, len(rows_p), dropped)
    d = candidates.reshape(len(candidates), -1).shape[1]
    write_csv(os.path.join(outdir, name + ".points.csv"), ["x%d" % j for j in range(d)], rows_p)
    write_csv(os.path.join(outdir, name + ".expected.csv"),
              ["label"] + ["logit%d" % j for j in range(logits.shape[1])], rows_e)
    labels = sorted({int(r[0]) for r in rows_e})
    return {"kept": len(rows_p), "dropped": dropped, "labels": labels}


def box_points(rng, box, n, dtype, data=None):
    """n candidate points inside box: half taken from `data` (if given), rest uniform.
    Rounded to dtype and clipped into the box (box ends are representable)."""
    lo = np.array([b[0] for b in box], dtype=np.float64)
    hi = np.array([b[1] for b in box], dtype=np.float64)
    pts = []
    if data is not None:
        idx = rng.choice(len(data), size=n // 2, replace=False)
        pts.append(np.asarray(data, dtype=np.float64)[idx])
    pts.append(lo + (hi - lo) * rng.random((n - sum(len(p) for p in pts), len(box))))
    P = np.concatenate(pts, axis=0)
    P = rng.permutation(P)
    P = P.astype(dtype)
    P = np.minimum(np.maximum(P, lo.astype(dtype)), hi.astype(dtype))
    assert np.all(P >= lo) and np.all(P <= hi)
    return P


def data_box(X, step=0.5):
    lo = np.floor(X.min(axis=0) / step) * step
    hi = np.ceil(X.max(axis=0) / step) * step
    return [[float(a), float(b)] for a, b in zip(lo, hi)]


def check(model):
    onnx.checker.check_model(model, full_check=True)


# --------------------------------------------------------------------------
# scikit-learn + skl2onnx models
# --------------------------------------------------------------------------

SKLEARN_MODELS = [
    # name, dataset, n_features, classes, hidden, activation, zipmap, dtype, api, seed
    dict(name="sk_moons_relu_bin", data="moons", d=2, k=2, hidden=(16,), act="relu",
         zipmap=True, dtype="float32", api="to_onnx", seed=1),
    dict(name="sk_moons_tanh_bin_nozipmap", data="moons", d=2, k=2, hidden=(12, 6), act="tanh",
         zipmap=False, dtype="float32", api="convert_sklearn", seed=2),
    dict(name="sk_blobs4_logistic_3c", data="blobs", d=4, k=3, hidden=(4,), act="logistic",
         zipmap=True, dtype="float32", api="to_onnx", seed=3),
    dict(name="sk_blobs4_relu_3c_nozipmap", data="blobs", d=4, k=3, hidden=(24, 16, 8), act="relu",
         zipmap=False, dtype="float32", api="to_onnx", seed=4),
    dict(name="sk_class8_tanh_bin", data="classification", d=8, k=2, hidden=(16, 8), act="tanh",
         zipmap=True, dtype="float32", api="convert_sklearn", seed=5),
    dict(name="sk_class8_relu_3c_nozipmap", data="classification", d=8, k=3, hidden=(12, 12, 12),
         act="relu", zipmap=False, dtype="float32", api="to_onnx", seed=6),
    dict(name="sk_class30_logistic_bin_nozipmap", data="classification", d=30, k=2, hidden=(20,),
         act="logistic", zipmap=False, dtype="float32", api="to_onnx", seed=7),
    dict(name="sk_class30_relu_3c", data="classification", d=30, k=3, hidden=(24, 12), act="relu",
         zipmap=True, dtype="float32", api="to_onnx", seed=8),
    dict(name="sk_blobs4_relu_3c_float64", data="blobs", d=4, k=3, hidden=(8, 4), act="relu",
         zipmap=False, dtype="float64", api="convert_sklearn", seed=9),
    # float64 + default ZipMap is NOT used: skl2onnx 1.20 then writes a ZipMap on a double tensor,
    # which onnx.checker and onnxruntime reject (ZipMap accepts float only).
    dict(name="sk_moons_logistic_bin_float64", data="moons", d=2, k=2, hidden=(6,), act="logistic",
         zipmap=False, dtype="float64", api="to_onnx", seed=10),
]

ACT_NAME = {"relu": "relu", "tanh": "tanh", "logistic": "sigmoid", "identity": "identity"}


def make_dataset(spec):
    from sklearn.datasets import make_blobs, make_classification, make_moons
    s = spec["seed"]
    if spec["data"] == "moons":
        assert spec["d"] == 2 and spec["k"] == 2
        X, y = make_moons(n_samples=300, noise=spec.get("noise", 0.25), random_state=s)
    elif spec["data"] == "blobs":
        X, y = make_blobs(n_samples=300, centers=spec["k"], n_features=spec["d"], cluster_std=2.0,
                          random_state=s)
    else:
        X, y = make_classification(n_samples=400, n_features=spec["d"],
                                   n_informative=min(spec["d"], 6), n_redundant=0,
                                   n_classes=spec["k"], n_clusters_per_class=1, random_state=s)
    return X, y


def sklearn_model(spec):
    """Train, export with skl2onnx; returns (onnx model, clf, X)."""
    import warnings
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    from skl2onnx import convert_sklearn, to_onnx
    from skl2onnx.common.data_types import DoubleTensorType, FloatTensorType
    X, y = make_dataset(spec)
    clf = MLPClassifier(hidden_layer_sizes=spec["hidden"], activation=spec["act"],
                        max_iter=3000, random_state=spec["seed"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    np_dtype = np.float32 if spec["dtype"] == "float32" else np.float64
    options = None if spec["zipmap"] else {"zipmap": False}
    if spec["api"] == "to_onnx":
        model = to_onnx(clf, X[:1].astype(np_dtype), options=options)
    else:
        T = FloatTensorType if spec["dtype"] == "float32" else DoubleTensorType
        # name= given because convert_sklearn otherwise names the graph with a random uuid hex
        # (the only non-deterministic byte in the output)
        model = convert_sklearn(clf, name=spec["name"], initial_types=[("input", T([None, spec["d"]]))],
                                options={id(clf): options} if options else None)
    return model, clf, X


def skl_logits_and_outputs(model):
    """Locate the logits tensor (input of the output activation) and the label /
    probability outputs of a skl2onnx MLPClassifier graph."""
    prod = {o: n for n in model.graph.node for o in n.output}
    head = prod["out_activations_result"]
    assert head.op_type in ("Sigmoid", "Softmax"), head.op_type
    logits = head.input[0]
    assert prod[logits].op_type == "Add"
    outs = [o.name for o in model.graph.output]
    label = outs[0]
    assert "label" in label
    return logits, label, head


def do_sklearn(spec, outdir, n_keep=N_POINTS):
    model, clf, X = sklearn_model(spec)
    check(model)
    name = spec["name"]
    onnx.save(model, os.path.join(outdir, name + ".onnx"))
    logits, label, head = skl_logits_and_outputs(model)
    box = data_box(X)
    rng = np.random.default_rng(1000 + spec["seed"])
    np_dtype = np.float32 if spec["dtype"] == "float32" else np.float64
    cand = box_points(rng, box, 3 * n_keep, np_dtype, data=X)
    stats = evaluate_and_write(model, name, outdir, cand, logits, input_shape_tail=(spec["d"],),
                               label_output=label, n_keep=n_keep)
    sizes = [spec["d"]] + list(spec["hidden"]) + [clf.coefs_[-1].shape[1]]
    layers = []
    for i in range(len(sizes) - 1):
        act = ACT_NAME[spec["act"]] if i < len(sizes) - 2 else "identity"
        layers.append({"inputs": sizes[i], "outputs": sizes[i + 1], "activation": act})
    nlog = sizes[-1]
    ops = op_types(model)
    inits = model.graph.initializer
    storage = sorted({"raw_data" if t.raw_data else "typed" for t in inits})
    notes = ("scikit-learn MLPClassifier(hidden_layer_sizes=%s, activation=%r), %s, exported by "
             "skl2onnx %s with %s input%s; opset %s; input %r shape %s. Node op types: %s. "
             "Logits = tensor %r (input of the output activation node %r, op %s). "
             "Label output %r (int64 class); %s. Initializer storage: %s. "
             "Points: %d kept, %d dropped for a logit gap < 1e-3."
             % (list(spec["hidden"]), spec["act"], spec["data"], spec["api"], spec["dtype"],
                "" if spec["zipmap"] else ", options zipmap=False",
                {o.domain or "ai.onnx": o.version for o in model.opset_import},
                model.graph.input[0].name, shape_of(model.graph.input[0]), " ".join(ops),
                logits, head.name, head.op_type, label,
                ("probabilities via ZipMap (sequence of maps) in output %r" % model.graph.output[1].name)
                if spec["zipmap"] else ("probabilities tensor in output %r" % model.graph.output[1].name),
                "/".join(storage), stats["kept"], stats["dropped"]))
    if nlog == 1:
        notes += " One logit (binary): label 1 iff logit > 0; graph head is Sigmoid, Sub(1,p), Concat, ArgMax."
    return {
        "name": name, "file": name + ".onnx", "points": name + ".points.csv",
        "expected": name + ".expected.csv", "exporter": "skl2onnx",
        "inputType": spec["dtype"], "inputShape": shape_of(model.graph.input[0]),
        "inputs": spec["d"], "classes": spec["k"], "logits": nlog,
        "layers": layers, "box": box, "ops": ops, "notes": notes,
    }, stats


# --------------------------------------------------------------------------
# torch-style graphs, written with onnx.helper the way torch.onnx.export does
# --------------------------------------------------------------------------

def linear_params(rng, n_in, n_out, dtype=np.float32):
    """torch.nn.Linear default init: U(-1/sqrt(in), 1/sqrt(in)); weight [out, in]."""
    k = 1.0 / math.sqrt(n_in)
    W = rng.uniform(-k, k, size=(n_out, n_in)).astype(dtype)
    b = rng.uniform(-k, k, size=(n_out,)).astype(dtype)
    return W, b


def tensor(name, arr, typed=False):
    arr = np.asarray(arr)
    if not typed:
        return numpy_helper.from_array(arr, name)  # raw_data, as torch writes it
    dt = helper.np_dtype_to_tensor_dtype(arr.dtype)
    return helper.make_tensor(name, dt, list(arr.shape), arr.reshape(-1).tolist(), raw=False)


def torch_model(nodes, inits, in_name, in_shape, out_name, out_shape, opset, elem=TensorProto.FLOAT,
                producer=("pytorch", "2.1.0"), ir=8):
    g = helper.make_graph(nodes, "main_graph",
                          [helper.make_tensor_value_info(in_name, elem, in_shape)],
                          [helper.make_tensor_value_info(out_name, elem, out_shape)],
                          initializer=inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)],
                          producer_name=producer[0], producer_version=producer[1])
    m.ir_version = ir
    return m


def gemm(name, x, w, b, y, alpha=1.0, beta=1.0, transB=1):
    return helper.make_node("Gemm", [x, w, b], [y], name=name, alpha=alpha, beta=beta, transB=transB)


def t1_flatten_relu(seed=162):
    """torch: nn.Sequential-like module with flatten, fc1, relu1, fc2, relu2, fc3;
    input_names=['input'], output_names=['logits'], dynamic batch 'batch_size'."""
    rng = np.random.default_rng(seed)
    sizes = [4, 16, 12, 3]
    inits, nodes = [], []
    nodes.append(helper.make_node("Flatten", ["input"], ["/flatten/Flatten_output_0"],
                                  name="/flatten/Flatten", axis=1))
    x = "/flatten/Flatten_output_0"
    for i in range(3):
        W, b = linear_params(rng, sizes[i], sizes[i + 1])
        inits += [tensor("fc%d.weight" % (i + 1), W), tensor("fc%d.bias" % (i + 1), b)]
        y = "logits" if i == 2 else "/fc%d/Gemm_output_0" % (i + 1)
        nodes.append(gemm("/fc%d/Gemm" % (i + 1), x, "fc%d.weight" % (i + 1), "fc%d.bias" % (i + 1), y))
        x = y
        if i < 2:
            nodes.append(helper.make_node("Relu", [x], ["/relu%d/Relu_output_0" % (i + 1)],
                                          name="/relu%d/Relu" % (i + 1)))
            x = "/relu%d/Relu_output_0" % (i + 1)
    m = torch_model(nodes, inits, "input", ["batch_size", 4], "logits", ["batch_size", 3], 17)
    layers = [{"inputs": 4, "outputs": 16, "activation": "relu"},
              {"inputs": 16, "outputs": 12, "activation": "relu"},
              {"inputs": 12, "outputs": 3, "activation": "identity"}]
    return dict(name="torch_flatten_relu_3c", model=m, logits="logits", head=None, head_kind=None,
                layers=layers, box=[[-2.0, 2.0]] * 4, classes=3, exporter="torch-style",
                shape_tail=(4,), seed=201,
                notes="torch-style: Flatten -> Gemm(transB=1) -> Relu -> Gemm -> Relu -> Gemm; "
                      "weights fc*.weight [out,in] raw_data, output named 'logits' (no head); opset 17.")


def t2_matmul_mixed(seed=176):
    """torch: Linear layers applied to a 3-D tensor are exported as MatMul with a
    constant-folded transposed weight ('onnx::MatMul_NN') and Add(bias, matmul) --
    bias FIRST, as torch's linear symbolic writes it. LeakyReLU(0.1), Tanh,
    Sigmoid, then softmax(dim=1) head. Input name left to torch: 'onnx::MatMul_0'."""
    rng = np.random.default_rng(seed)
    sizes = [5, 10, 8, 6, 4]
    acts = [("LeakyRelu", "act1", {"alpha": 0.1}, "leaky-relu"), ("Tanh", "act2", {}, "tanh"),
            ("Sigmoid", "act3", {}, "sigmoid")]
    inits, nodes = [], []
    x = "onnx::MatMul_0"
    tid = 31
    for i in range(4):
        W, b = linear_params(rng, sizes[i], sizes[i + 1])
        W = W * np.float32(4)  # larger weights so that the sigmoid layer does not flatten the classes
        wname = "onnx::MatMul_%d" % tid
        tid += 1
        inits += [tensor("layers.%d.bias" % (2 * i), b), tensor(wname, np.ascontiguousarray(W.T))]
        mm = "/layers.%d/MatMul_output_0" % (2 * i)
        nodes.append(helper.make_node("MatMul", [x, wname], [mm], name="/layers.%d/MatMul" % (2 * i)))
        ad = "/layers.%d/Add_output_0" % (2 * i)
        nodes.append(helper.make_node("Add", ["layers.%d.bias" % (2 * i), mm], [ad],
                                      name="/layers.%d/Add" % (2 * i)))
        x = ad
        if i < 3:
            op, nm, attrs, _ = acts[i]
            out = "/layers.%d/%s_output_0" % (2 * i + 1, op)
            nodes.append(helper.make_node(op, [x], [out], name="/layers.%d/%s" % (2 * i + 1, op), **attrs))
            x = out
    logits = x
    nodes.append(helper.make_node("Softmax", [x], ["27"], name="/Softmax", axis=1))
    m = torch_model(nodes, inits, "onnx::MatMul_0", ["batch_size", 5], "27", ["batch_size", 4], 14)
    layers = [{"inputs": sizes[i], "outputs": sizes[i + 1],
               "activation": acts[i][3] if i < 3 else "identity"} for i in range(4)]
    return dict(name="torch_matmul_leaky_tanh_sigmoid_softmax", model=m, logits=logits, head="27",
                head_kind="argmax", layers=layers, box=[[-3.0, 3.0]] * 5, classes=4,
                exporter="torch-style", shape_tail=(5,), seed=202,
                notes="torch-style MatMul+Add layers: weights are transposed [in,out] initializers named "
                      "'onnx::MatMul_31'..; Add has the BIAS AS FIRST input (Add(layers.N.bias, MatMul_out)); "
                      "activations LeakyRelu(alpha=0.1), Tanh, Sigmoid; head Softmax(axis=1) -> output '27'. "
                      "Input named 'onnx::MatMul_0'. Logits = %r. Opset 14." % logits)


def t3_gemm_alpha_beta(seed=89):
    """Not something torch writes: Gemm with alpha=0.5, beta=2.0, transB=0 (weight
    stored [in,out]) in the first layer, ordinary Gemms after."""
    rng = np.random.default_rng(seed)
    inits, nodes = [], []
    W, b = linear_params(rng, 3, 7)
    inits += [tensor("W0", np.ascontiguousarray(W.T) * np.float32(2)), tensor("B0", b * np.float32(0.5))]
    nodes.append(gemm("gemm_0", "x", "W0", "B0", "h0", alpha=0.5, beta=2.0, transB=0))
    nodes.append(helper.make_node("Relu", ["h0"], ["r0"], name="relu_0"))
    W, b = linear_params(rng, 7, 5)
    inits += [tensor("W1", W), tensor("B1", b)]
    nodes.append(gemm("gemm_1", "r0", "W1", "B1", "h1"))
    nodes.append(helper.make_node("Relu", ["h1"], ["r1"], name="relu_1"))
    W, b = linear_params(rng, 5, 2)
    inits += [tensor("W2", W), tensor("B2", b)]
    nodes.append(gemm("gemm_2", "r1", "W2", "B2", "y"))
    m = torch_model(nodes, inits, "x", ["N", 3], "y", ["N", 2], 13, producer=("onnx-helper", ""), ir=7)
    layers = [{"inputs": 3, "outputs": 7, "activation": "relu"},
              {"inputs": 7, "outputs": 5, "activation": "relu"},
              {"inputs": 5, "outputs": 2, "activation": "identity"}]
    return dict(name="helper_gemm_alpha_beta_transB0", model=m, logits="y", head=None, head_kind=None,
                layers=layers, box=[[-1.5, 1.5]] * 3, classes=2, exporter="onnx-helper",
                shape_tail=(3,), seed=203,
                notes="first Gemm has alpha=0.5, beta=2.0, transB=0 (B stored [in,out] = [3,7]): "
                      "Y = 0.5*A*B + 2.0*C; other Gemms alpha=beta=1, transB=1. Two logits (binary, "
                      "arg-max label). Opset 13, batch dim 'N'.")


def t4_normalised_logsoftmax(seed=10):
    """torch: forward does (x - torch.tensor(MEAN)) / self.std; the literal becomes a
    Constant node, the registered buffer 'std' an initializer. LogSoftmax head."""
    rng = np.random.default_rng(seed)
    d = 6
    mean = np.array([5.0, 4.5, 6.0, 5.5, 4.0, 5.0], dtype=np.float32)
    std = np.array([2.0, 1.5, 2.5, 1.25, 2.0, 3.0], dtype=np.float32)
    sizes = [d, 12, 8, 3]
    inits, nodes = [tensor("std", std)], []
    nodes.append(helper.make_node("Constant", [], ["/Constant_output_0"], name="/Constant",
                                  value=numpy_helper.from_array(mean, "")))
    nodes.append(helper.make_node("Sub", ["input", "/Constant_output_0"], ["/Sub_output_0"], name="/Sub"))
    nodes.append(helper.make_node("Div", ["/Sub_output_0", "std"], ["/Div_output_0"], name="/Div"))
    x = "/Div_output_0"
    for i in range(3):
        W, b = linear_params(rng, sizes[i], sizes[i + 1])
        inits += [tensor("net.%d.weight" % (2 * i), W), tensor("net.%d.bias" % (2 * i), b)]
        y = "/net/net.%d/Gemm_output_0" % (2 * i)
        nodes.append(gemm("/net/net.%d/Gemm" % (2 * i), x, "net.%d.weight" % (2 * i), "net.%d.bias" % (2 * i), y))
        x = y
        if i < 2:
            out = "/net/net.%d/Tanh_output_0" % (2 * i + 1)
            nodes.append(helper.make_node("Tanh", [x], [out], name="/net/net.%d/Tanh" % (2 * i + 1)))
            x = out
    logits = x
    nodes.append(helper.make_node("LogSoftmax", [x], ["log_probs"], name="/LogSoftmax", axis=1))
    m = torch_model(nodes, inits, "input", ["batch_size", d], "log_probs", ["batch_size", 3], 15)
    layers = [{"inputs": 6, "outputs": 12, "activation": "tanh"},
              {"inputs": 12, "outputs": 8, "activation": "tanh"},
              {"inputs": 8, "outputs": 3, "activation": "identity"}]
    return dict(name="torch_normalised_tanh_logsoftmax", model=m, logits=logits, head="log_probs",
                head_kind="argmax", layers=layers, box=[[0.0, 10.0]] * d, classes=3,
                exporter="torch-style", shape_tail=(d,), seed=204,
                notes="input normalisation: Constant '/Constant' (mean %s) -> Sub -> Div by initializer "
                      "'std' %s (float32; fold exactly into the first layer: W/std, b - W*(mean/std)); then "
                      "Gemm/Tanh x2, Gemm, LogSoftmax(axis=1) head -> 'log_probs'. 'layers' are after "
                      "folding the normalisation. Box is in raw (un-normalised) input space. Opset 15."
                      % (mean.tolist(), std.tolist()))


def t5_reshape_identity_clip(seed=1):
    """torch: x.view(-1, 8) on a [batch, 2, 4] input (Constant shape + Reshape),
    Hardtanh exported as Clip with min/max inputs from Constant nodes (opset 13),
    Identity nodes (e.g. from nn.Identity / final output aliasing)."""
    rng = np.random.default_rng(seed)
    sizes = [8, 16, 10, 4]
    nodes, inits = [], []
    nodes.append(helper.make_node("Constant", [], ["/Constant_output_0"], name="/Constant",
                                  value=numpy_helper.from_array(np.array([-1, 8], dtype=np.int64), "")))
    nodes.append(helper.make_node("Reshape", ["input", "/Constant_output_0"], ["/Reshape_output_0"],
                                  name="/Reshape"))
    nodes.append(helper.make_node("Identity", ["/Reshape_output_0"], ["/skip/Identity_output_0"],
                                  name="/skip/Identity"))
    x = "/skip/Identity_output_0"
    for i in range(3):
        W, b = linear_params(rng, sizes[i], sizes[i + 1])
        W = W * np.float32(2.5)  # make the hard-tanh saturate sometimes
        inits += [tensor("fc%d.weight" % (i + 1), W), tensor("fc%d.bias" % (i + 1), b)]
        y = "/fc%d/Gemm_output_0" % (i + 1)
        nodes.append(gemm("/fc%d/Gemm" % (i + 1), x, "fc%d.weight" % (i + 1), "fc%d.bias" % (i + 1), y))
        x = y
        if i < 2:
            a = "/act%d" % (i + 1)
            nodes.append(helper.make_node("Constant", [], [a + "/Constant_output_0"], name=a + "/Constant",
                                          value=numpy_helper.from_array(np.array(-1.0, dtype=np.float32), "")))
            nodes.append(helper.make_node("Constant", [], [a + "/Constant_1_output_0"], name=a + "/Constant_1",
                                          value=numpy_helper.from_array(np.array(1.0, dtype=np.float32), "")))
            nodes.append(helper.make_node("Clip", [x, a + "/Constant_output_0", a + "/Constant_1_output_0"],
                                          [a + "/Clip_output_0"], name=a + "/Clip"))
            x = a + "/Clip_output_0"
    nodes.append(helper.make_node("Identity", [x], ["output"], name="/Identity"))
    m = torch_model(nodes, inits, "input", ["batch_size", 2, 4], "output", ["batch_size", 4], 13)
    layers = [{"inputs": 8, "outputs": 16, "activation": "hard-tanh"},
              {"inputs": 16, "outputs": 10, "activation": "hard-tanh"},
              {"inputs": 10, "outputs": 4, "activation": "identity"}]
    return dict(name="torch_reshape_identity_hardtanh", model=m, logits="output", head=None, head_kind=None,
                layers=layers, box=[[-2.0, 2.0]] * 8, classes=4, exporter="torch-style",
                shape_tail=(2, 4), seed=205,
                notes="input shape [batch_size,2,4]; points are the 8 values in row-major order. Constant "
                      "int64 [-1,8] -> Reshape -> Identity; Gemm -> Clip(x, min, max) with min=-1, max=1 "
                      "given as INPUTS from Constant nodes (hard-tanh, opset 13); final Identity -> 'output'. "
                      "No head: logits = 'output' (= '/fc3/Gemm_output_0').")


def t6a_float64(seed=72):
    """torch: model.double() exported: float64 input, float64 initializers (raw_data)."""
    rng = np.random.default_rng(seed)
    sizes = [3, 9, 6, 3]
    inits, nodes = [], []
    x = "input"
    for i in range(3):
        W, b = linear_params(rng, sizes[i], sizes[i + 1], dtype=np.float64)
        inits += [tensor("fc%d.weight" % (i + 1), W), tensor("fc%d.bias" % (i + 1), b)]
        y = "logits" if i == 2 else "/fc%d/Gemm_output_0" % (i + 1)
        nodes.append(gemm("/fc%d/Gemm" % (i + 1), x, "fc%d.weight" % (i + 1), "fc%d.bias" % (i + 1), y))
        x = y
        if i < 2:
            nodes.append(helper.make_node("Relu", [x], ["/relu/Relu_%d_output_0" % i if i else "/relu/Relu_output_0"],
                                          name="/relu/Relu_%d" % i if i else "/relu/Relu"))
            x = nodes[-1].output[0]
    m = torch_model(nodes, inits, "input", ["batch_size", 3], "logits", ["batch_size", 3], 17,
                    elem=TensorProto.DOUBLE)
    layers = [{"inputs": 3, "outputs": 9, "activation": "relu"},
              {"inputs": 9, "outputs": 6, "activation": "relu"},
              {"inputs": 6, "outputs": 3, "activation": "identity"}]
    return dict(name="torch_float64_relu", model=m, logits="logits", head=None, head_kind=None,
                layers=layers, box=[[-2.0, 2.0]] * 3, classes=3, exporter="torch-style",
                shape_tail=(3,), seed=206, dtype=np.float64,
                notes="model.double(): float64 input and float64 (DOUBLE) initializers in raw_data; "
                      "points are float64 values, logits float64. One module reused twice (torch names "
                      "'/relu/Relu', '/relu/Relu_1').")


def t6b_float_data(seed=5):
    """Weights stored as typed float_data (not raw_data) -- torch never does this,
    onnx.helper.make_tensor(raw=False) does."""
    rng = np.random.default_rng(seed)
    sizes = [2, 6, 5, 3]
    inits, nodes = [], []
    x = "input"
    for i in range(3):
        W, b = linear_params(rng, sizes[i], sizes[i + 1])
        W = W * np.float32(3)
        inits += [tensor("fc%d.weight" % (i + 1), W, typed=True), tensor("fc%d.bias" % (i + 1), b, typed=True)]
        y = "output" if i == 2 else "/fc%d/Gemm_output_0" % (i + 1)
        nodes.append(gemm("/fc%d/Gemm" % (i + 1), x, "fc%d.weight" % (i + 1), "fc%d.bias" % (i + 1), y))
        x = y
        if i < 2:
            nodes.append(helper.make_node("Tanh", [x], ["/act%d/Tanh_output_0" % (i + 1)],
                                          name="/act%d/Tanh" % (i + 1)))
            x = nodes[-1].output[0]
    m = torch_model(nodes, inits, "input", ["batch_size", 2], "output", ["batch_size", 3], 16,
                    producer=("onnx-helper", ""))
    for t in m.graph.initializer:
        assert not t.raw_data and len(t.float_data) > 0
    layers = [{"inputs": 2, "outputs": 6, "activation": "tanh"},
              {"inputs": 6, "outputs": 5, "activation": "tanh"},
              {"inputs": 5, "outputs": 3, "activation": "identity"}]
    return dict(name="helper_float_data_tanh", model=m, logits="output", head=None, head_kind=None,
                layers=layers, box=[[-3.0, 3.0]] * 2, classes=3, exporter="onnx-helper",
                shape_tail=(2,), seed=207,
                notes="all initializers are float32 stored in the typed float_data field (raw_data "
                      "empty); Gemm/Tanh chain, no head; opset 16.")


def t7_binary_sigmoid(seed=2):
    """torch: binary classifier with one output and torch.sigmoid in forward; no
    input/output names given, so torch names them 'onnx::Gemm_0' and '9'."""
    rng = np.random.default_rng(seed)
    nodes, inits = [], []
    W, b = linear_params(rng, 5, 8)
    W = W * np.float32(2)
    inits += [tensor("hidden.weight", W), tensor("hidden.bias", b)]
    nodes.append(gemm("/hidden/Gemm", "onnx::Gemm_0", "hidden.weight", "hidden.bias", "/hidden/Gemm_output_0"))
    nodes.append(helper.make_node("Relu", ["/hidden/Gemm_output_0"], ["/Relu_output_0"], name="/Relu"))
    W, b = linear_params(rng, 8, 1)
    inits += [tensor("out.weight", W * np.float32(3)), tensor("out.bias", b)]
    nodes.append(gemm("/out/Gemm", "/Relu_output_0", "out.weight", "out.bias", "/out/Gemm_output_0"))
    nodes.append(helper.make_node("Sigmoid", ["/out/Gemm_output_0"], ["9"], name="/Sigmoid"))
    m = torch_model(nodes, inits, "onnx::Gemm_0", ["batch_size", 5], "9", ["batch_size", 1], 17)
    layers = [{"inputs": 5, "outputs": 8, "activation": "relu"},
              {"inputs": 8, "outputs": 1, "activation": "identity"}]
    return dict(name="torch_binary_one_logit_sigmoid", model=m, logits="/out/Gemm_output_0", head="9",
                head_kind="sigmoid1", layers=layers, box=[[-2.0, 2.0]] * 5, classes=2,
                exporter="torch-style", shape_tail=(5,), seed=208,
                notes="one logit + Sigmoid head (output '9', shape [batch_size,1]); label 1 iff logit > 0. "
                      "Input named 'onnx::Gemm_0' (torch default naming). Opset 17.")


# The weight seeds (default `seed=` of each builder) were chosen by trying seeds 0..199 in order and
# taking the first whose candidate points cover every class reasonably (random weights otherwise
# often give a model that predicts one or two classes everywhere in the box).
TORCH_MODELS = [t1_flatten_relu, t2_matmul_mixed, t3_gemm_alpha_beta, t4_normalised_logsoftmax,
                t5_reshape_identity_clip, t6a_float64, t6b_float_data, t7_binary_sigmoid]


def do_torch(builder, outdir):
    spec = builder()
    m = spec["model"]
    check(m)
    name = spec["name"]
    onnx.save(m, os.path.join(outdir, name + ".onnx"))
    dtype = spec.get("dtype", np.float32)
    rng = np.random.default_rng(spec["seed"])
    cand = box_points(rng, spec["box"], 3 * N_POINTS, dtype)
    stats = evaluate_and_write(m, name, outdir, cand, spec["logits"], input_shape_tail=spec["shape_tail"],
                               head_output=spec["head"], head_kind=spec["head_kind"])
    ops = op_types(m)
    nlog = spec["layers"][-1]["outputs"]
    return {
        "name": name, "file": name + ".onnx", "points": name + ".points.csv",
        "expected": name + ".expected.csv", "exporter": spec["exporter"],
        "inputType": "float64" if dtype == np.float64 else "float32",
        "inputShape": shape_of(m.graph.input[0]),
        "inputs": spec["layers"][0]["inputs"], "classes": spec["classes"], "logits": nlog,
        "layers": spec["layers"], "box": spec["box"], "ops": ops,
        "notes": spec["notes"] + " Node op types: %s. Logits tensor: %r. Points: %d kept, %d dropped "
                                 "for a logit gap < 1e-3." % (" ".join(ops), spec["logits"], stats["kept"],
                                                              stats["dropped"]),
    }, stats


def part_models():
    os.makedirs(MODELS_DIR, exist_ok=True)
    manifest = []
    for spec in SKLEARN_MODELS:
        entry, stats = do_sklearn(spec, MODELS_DIR)
        manifest.append(entry)
        print("models: %-40s %s labels=%s dropped=%d" % (entry["name"], " ".join(entry["ops"]),
                                                         stats["labels"], stats["dropped"]))
    for b in TORCH_MODELS:
        entry, stats = do_torch(b, MODELS_DIR)
        manifest.append(entry)
        print("models: %-40s %s labels=%s dropped=%d" % (entry["name"], " ".join(entry["ops"]),
                                                         stats["labels"], stats["dropped"]))
    write_json(os.path.join(MODELS_DIR, "manifest.json"), manifest)


# --------------------------------------------------------------------------
# models a correct loader must reject
# --------------------------------------------------------------------------

def base_chain(rng, sizes=(4, 6, 5, 3), opset=17):
    """A valid torch-style Gemm/Relu chain used as the starting point of bad cases."""
    inits, nodes = [], []
    x = "input"
    for i in range(len(sizes) - 1):
        W, b = linear_params(rng, sizes[i], sizes[i + 1])
        inits += [tensor("fc%d.weight" % (i + 1), W), tensor("fc%d.bias" % (i + 1), b)]
        y = "logits" if i == len(sizes) - 2 else "/fc%d/Gemm_output_0" % (i + 1)
        nodes.append(gemm("/fc%d/Gemm" % (i + 1), x, "fc%d.weight" % (i + 1), "fc%d.bias" % (i + 1), y))
        x = y
        if i < len(sizes) - 2:
            nodes.append(helper.make_node("Relu", [x], ["/relu%d/Relu_output_0" % (i + 1)],
                                          name="/relu%d/Relu" % (i + 1)))
            x = nodes[-1].output[0]
    return torch_model(nodes, inits, "input", ["batch_size", sizes[0]], "logits",
                       ["batch_size", sizes[-1]], opset)


def part_bad():
    os.makedirs(BAD_DIR, exist_ok=True)
    rng = np.random.default_rng(300)
    entries = []

    def save(name, model, problem, must, checker_ok=True):
        path = os.path.join(BAD_DIR, name)
        if isinstance(model, (bytes, bytearray)):
            with open(path, "wb") as fh:
                fh.write(model)
        else:
            if checker_ok:
                onnx.checker.check_model(model)  # structurally valid ONNX; the problem is semantic
            onnx.save(model, path)
        entries.append({"file": name, "problem": problem, "mustMention": must})

    # Conv (unsupported op)
    W = rng.uniform(-0.5, 0.5, size=(2, 1, 3, 3)).astype(np.float32)
    b = rng.uniform(-0.5, 0.5, size=(2,)).astype(np.float32)
    W2, b2 = linear_params(rng, 2 * 4 * 4, 3)
    nodes = [helper.make_node("Conv", ["input", "conv1.weight", "conv1.bias"], ["/conv1/Conv_output_0"],
                              name="/conv1/Conv", kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[1, 1],
                              dilations=[1, 1], group=1),
             helper.make_node("Relu", ["/conv1/Conv_output_0"], ["/relu/Relu_output_0"], name="/relu/Relu"),
             helper.make_node("Flatten", ["/relu/Relu_output_0"], ["/flatten/Flatten_output_0"],
                              name="/flatten/Flatten", axis=1),
             gemm("/fc/Gemm", "/flatten/Flatten_output_0", "fc.weight", "fc.bias", "logits")]
    m = torch_model(nodes, [tensor("conv1.weight", W), tensor("conv1.bias", b), tensor("fc.weight", W2),
                            tensor("fc.bias", b2)], "input", ["batch_size", 1, 4, 4], "logits",
                    ["batch_size", 3], 17)
    save("unsupported_conv.onnx", m, "unsupported op: a Conv node '/conv1/Conv' (convolutional network)",
         ["Conv", "/conv1/Conv"])

    # torch's GELU chain x * 0.5 * (1 + erf(x / sqrt(2))), broken: the Add adds 2, not 1
    # (the chain itself is read as GELU; see make_exporter_fixtures.py's torch_legacy_opset18_gelu)
    m = base_chain(np.random.default_rng(301))
    g = m.graph
    # replace /relu1/Relu by the GELU decomposition
    idx = [i for i, n in enumerate(g.node) if n.name == "/relu1/Relu"][0]
    relu = g.node[idx]
    x, y = relu.input[0], relu.output[0]
    c = lambda nm, v: helper.make_node("Constant", [], [nm + "_output_0"], name=nm,
                                       value=numpy_helper.from_array(np.array(v, dtype=np.float32), ""))
    gelu = [c("/act/Constant", 1.4142135381698608),
            helper.make_node("Div", [x, "/act/Constant_output_0"], ["/act/Div_output_0"], name="/act/Div"),
            helper.make_node("Erf", ["/act/Div_output_0"], ["/act/Erf_output_0"], name="/act/Erf"),
            c("/act/Constant_1", 2.0),
            helper.make_node("Add", ["/act/Erf_output_0", "/act/Constant_1_output_0"], ["/act/Add_output_0"],
                             name="/act/Add"),
            helper.make_node("Mul", [x, "/act/Add_output_0"], ["/act/Mul_output_0"], name="/act/Mul"),
            c("/act/Constant_2", 0.5),
            helper.make_node("Mul", ["/act/Mul_output_0", "/act/Constant_2_output_0"], [y], name="/act/Mul_1")]
    del g.node[idx]
    for k, n in enumerate(gelu):
        g.node.insert(idx + k, n)
    save("erf_chain_adds_two.onnx", m, "not GELU: torch's Div, Erf, Add, Mul, Mul chain with Add node '/act/Add' "
         "adding 2, not 1, to Erf's output", ["/act/Add", "does not add 1"])

    # non-chain: two branches added together
    rng2 = np.random.default_rng(302)
    Wa, ba = linear_params(rng2, 4, 6)
    Wb, bb = linear_params(rng2, 4, 6)
    W3, b3 = linear_params(rng2, 6, 3)
    nodes = [gemm("/branch_a/Gemm", "input", "branch_a.weight", "branch_a.bias", "/branch_a/Gemm_output_0"),
             helper.make_node("Relu", ["/branch_a/Gemm_output_0"], ["/relu_a/Relu_output_0"], name="/relu_a/Relu"),
             gemm("/branch_b/Gemm", "input", "branch_b.weight", "branch_b.bias", "/branch_b/Gemm_output_0"),
             helper.make_node("Tanh", ["/branch_b/Gemm_output_0"], ["/act_b/Tanh_output_0"], name="/act_b/Tanh"),
             helper.make_node("Add", ["/relu_a/Relu_output_0", "/act_b/Tanh_output_0"], ["/Add_output_0"],
                              name="/Add"),
             gemm("/head/Gemm", "/Add_output_0", "head.weight", "head.bias", "logits")]
    m = torch_model(nodes, [tensor("branch_a.weight", Wa), tensor("branch_a.bias", ba),
                            tensor("branch_b.weight", Wb), tensor("branch_b.bias", bb),
                            tensor("head.weight", W3), tensor("head.bias", b3)],
                    "input", ["batch_size", 4], "logits", ["batch_size", 3], 17)
    save("non_chain_two_branches.onnx", m, "not a chain: 'input' feeds two branches (/branch_a/Gemm -> Relu, "
         "/branch_b/Gemm -> Tanh) that are summed by Add node '/Add' (two computed operands)", [])

    # external data
    m = base_chain(np.random.default_rng(303))
    t = [t for t in m.graph.initializer if t.name == "fc2.weight"][0]
    nbytes = len(t.raw_data)
    t.ClearField("raw_data")
    t.data_location = TensorProto.EXTERNAL
    for k, v in (("location", "weights.bin"), ("offset", "0"), ("length", str(nbytes))):
        e = t.external_data.add()
        e.key, e.value = k, v
    save("external_data.onnx", m, "initializer 'fc2.weight' has data_location EXTERNAL (external_data "
         "location=weights.bin, which is not shipped): the missing file is named", ["external", "fc2.weight"],
         checker_ok=False)

    # NaN weight
    m = base_chain(np.random.default_rng(304))
    t = [t for t in m.graph.initializer if t.name == "fc2.weight"][0]
    a = numpy_helper.to_array(t).copy()
    a[1, 2] = np.nan
    t.CopyFrom(numpy_helper.from_array(a, "fc2.weight"))
    save("nan_weight.onnx", m, "initializer 'fc2.weight' (used by '/fc2/Gemm') contains a NaN at [1,2]",
         ["NaN", "fc2.weight"])

    # Inf weight
    m = base_chain(np.random.default_rng(305))
    t = [t for t in m.graph.initializer if t.name == "fc1.bias"][0]
    a = numpy_helper.to_array(t).copy()
    a[3] = np.inf
    t.CopyFrom(numpy_helper.from_array(a, "fc1.bias"))
    save("inf_bias.onnx", m, "initializer 'fc1.bias' (used by '/fc1/Gemm') contains +Inf at [3]",
         ["Inf", "fc1.bias"])

    # shape mismatch: fc2.weight is [5, 7] but the previous layer has width 6 (transB=1)
    m = base_chain(np.random.default_rng(306))
    W, _ = linear_params(np.random.default_rng(307), 7, 5)
    t = [t for t in m.graph.initializer if t.name == "fc2.weight"][0]
    t.CopyFrom(numpy_helper.from_array(W, "fc2.weight"))
    save("shape_mismatch.onnx", m, "'/fc2/Gemm' has weight fc2.weight [5,7] (transB=1, so 7 inputs) but the "
         "previous layer '/fc1/Gemm' outputs 6 values", ["/fc2/Gemm"])

    # Gemm bias of the wrong length (7 for 6 outputs; not broadcastable)
    m = base_chain(np.random.default_rng(308))
    t = [t for t in m.graph.initializer if t.name == "fc1.bias"][0]
    t.CopyFrom(numpy_helper.from_array(np.linspace(-0.3, 0.3, 7).astype(np.float32), "fc1.bias"))
    save("gemm_bias_wrong_length.onnx", m, "'/fc1/Gemm' has 6 outputs (fc1.weight [6,4]) but its bias "
         "fc1.bias has length 7", ["/fc1/Gemm"])

    # truncated file
    good = base_chain(np.random.default_rng(309), sizes=(4, 16, 16, 3)).SerializeToString()
    save("truncated.onnx", good[: int(len(good) * 0.6)],
         "truncated file: the first 60%% (%d of %d bytes) of a valid model" % (int(len(good) * 0.6), len(good)), [])

    save("not_onnx.onnx", b"This is not an ONNX model.\nJust some text, e.g. a CSV: x0,x1\n1,2\n",
         "not ONNX: a few lines of plain text", [])
    save("empty.onnx", b"", "empty file (0 bytes; note that it is also a valid empty protobuf message, "
         "i.e. a model with no graph)", [])

    # no nodes
    g = helper.make_graph([], "main_graph", [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch_size", 4])],
                          [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch_size", 4])])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)], producer_name="pytorch",
                          producer_version="2.1.0")
    m.ir_version = 8
    save("no_nodes.onnx", m, "graph with no nodes (the input is also the output)", [])

    # two data inputs, both used
    rng2 = np.random.default_rng(310)
    W1, b1 = linear_params(rng2, 4, 6)
    W2, b2 = linear_params(rng2, 6, 3)
    nodes = [helper.make_node("Add", ["input_a", "input_b"], ["/Add_output_0"], name="/Add"),
             gemm("/fc1/Gemm", "/Add_output_0", "fc1.weight", "fc1.bias", "/fc1/Gemm_output_0"),
             helper.make_node("Relu", ["/fc1/Gemm_output_0"], ["/relu/Relu_output_0"], name="/relu/Relu"),
             gemm("/fc2/Gemm", "/relu/Relu_output_0", "fc2.weight", "fc2.bias", "logits")]
    g = helper.make_graph(nodes, "main_graph",
                          [helper.make_tensor_value_info("input_a", TensorProto.FLOAT, ["batch_size", 4]),
                           helper.make_tensor_value_info("input_b", TensorProto.FLOAT, ["batch_size", 4])],
                          [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch_size", 3])],
                          initializer=[tensor("fc1.weight", W1), tensor("fc1.bias", b1),
                                       tensor("fc2.weight", W2), tensor("fc2.bias", b2)])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)], producer_name="pytorch",
                          producer_version="2.1.0")
    m.ir_version = 8
    save("two_data_inputs.onnx", m, "two graph inputs 'input_a' and 'input_b' (neither has an initializer), "
         "both used as data: Add('input_a','input_b') -> Gemm chain", [])

    bad_heads(save)
    bad_structure(save)

    write_json(os.path.join(BAD_DIR, "manifest.json"), entries)
    for e in entries:
        print("bad: %-32s %s" % (e["file"], e["problem"]))


def bad_structure(save):
    """Graphs that crashed or hung climep's loader (issue 9, bad-input campaign): overflowing
    declared dims, a value assigned twice (a cycle), an output that renames the input, a layer
    without outputs. Not valid ONNX, so the checker is skipped."""
    def graph(nodes, inits, in_shape, out, opset=17):
        g = helper.make_graph(nodes, "main_graph", [helper.make_tensor_value_info("input", TensorProto.FLOAT, in_shape)],
                              [helper.make_tensor_value_info(out, TensorProto.FLOAT, None)], initializer=inits)
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)], producer_name="climep-fixtures",
                              producer_version="1")
        m.ir_version = 8
        return m

    save("input_dims_overflow.onnx",
         graph([helper.make_node("Relu", ["input"], ["output"], name="/act/Relu")], [], [1, 4294967296, 4294967296], "output"),
         "input declared [1, 4294967296, 4294967296]: the feature count overflows a 64-bit integer", ["input width"],
         checker_ok=False)
    W, b = linear_params(np.random.default_rng(330), 2, 2)
    save("cycle_relu_tanh.onnx",
         graph([gemm("/fc/Gemm", "input", "fc.weight", "fc.bias", "a"),
                helper.make_node("Relu", ["a"], ["r"], name="/loop/Relu"),
                helper.make_node("Tanh", ["r"], ["a"], name="/loop/Tanh")],
               [tensor("fc.weight", W), tensor("fc.bias", b)], ["batch_size", 2], "a"),
         "a Relu <-> Tanh loop: '/loop/Tanh' writes 'a' again, which '/fc/Gemm' already wrote and '/loop/Relu' reads",
         ["'a'", "/loop/Tanh"], checker_ok=False)
    save("output_renames_input.onnx",
         graph([helper.make_node("Identity", ["input"], ["input"], name="/rename/Identity")], [], ["batch_size", 2], "input"),
         "an Identity node whose output has the input's name (a one-node cycle)", ["/rename/Identity", "'input'"],
         checker_ok=False)
    save("zero_output_layer.onnx",
         graph([gemm("/fc/Gemm", "input", "fc.weight", "fc.bias", "output")],
               [tensor("fc.weight", np.zeros((0, 2), dtype=np.float32)), tensor("fc.bias", np.zeros(0, dtype=np.float32))],
               ["batch_size", 2], "output"),
         "a Gemm layer with weight [0, 2]: no outputs, so no logit to label", ["no outputs"], checker_ok=False)


def bad_heads(save):
    """Classifier heads that change the labels (issue 9, item 4): each is valid ONNX that
    onnxruntime runs, and climep must reject it naming the node rather than strip it."""
    rng = np.random.default_rng(320)

    def chain(sizes):
        nodes, inits, x = [], [], "input"
        for i in range(len(sizes) - 1):
            W, b = linear_params(rng, sizes[i], sizes[i + 1])
            inits += [tensor("fc%d.weight" % (i + 1), W * np.float32(3)), tensor("fc%d.bias" % (i + 1), b)]
            y = "logits" if i == len(sizes) - 2 else "/fc%d/Gemm_output_0" % (i + 1)
            nodes.append(gemm("/fc%d/Gemm" % (i + 1), x, "fc%d.weight" % (i + 1), "fc%d.bias" % (i + 1), y))
            x = y
            if i < len(sizes) - 2:
                nodes.append(helper.make_node("Relu", [x], ["/relu%d/Relu_output_0" % (i + 1)], name="/relu%d/Relu" % (i + 1)))
                x = nodes[-1].output[0]
        return nodes, inits

    def graph(nodes, inits, outputs, classes, opset=17):
        g = helper.make_graph(nodes, "main_graph",
                              [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch_size", 2])],
                              [helper.make_tensor_value_info(name, elem, shape) for name, elem, shape in outputs],
                              initializer=inits)
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)], producer_name="climep-fixtures",
                              producer_version="1")
        m.ir_version = 8
        return m

    # skl2onnx's binary head Concat(1 - p, p) written over the raw logit z instead of sigmoid(z):
    # onnxruntime's label is [z > 1/2], not climep's [z > 0].
    nodes, inits = chain((2, 8, 1))
    inits.append(tensor("unity", np.array([1.0], dtype=np.float32)))
    nodes += [helper.make_node("Sub", ["unity", "logits"], ["/head/Sub_output_0"], name="/head/Sub"),
              helper.make_node("Concat", ["/head/Sub_output_0", "logits"], ["probabilities"], name="/head/Concat", axis=1),
              helper.make_node("ArgMax", ["probabilities"], ["label"], name="/head/ArgMax", axis=1)]
    m = graph(nodes, inits, [("label", TensorProto.INT64, ["batch_size", 1]),
                             ("probabilities", TensorProto.FLOAT, ["batch_size", 2])], 2)
    pts = np.random.default_rng(321).uniform(-3, 3, (400, 2)).astype(np.float32)
    out = run(expose(m, ["logits"]), [pts], "input", ["label", "logits"])
    z, label = out["logits"][0].reshape(-1), out["label"][0].reshape(-1)
    differ = int(np.sum(label != (z > 0)))
    assert differ > 0 and np.all(label == (z > 0.5))
    save("head_concat_over_raw_logit.onnx", m,
         "skl2onnx's binary head Sub(1, z), Concat(1 - z, z), ArgMax over the raw logit z (no Sigmoid): onnxruntime "
         "labels [z > 1/2], the stripped network [z > 0] (%d of 400 random points in [-3, 3]^2 differ)" % differ,
         ["Sub", "/head/Sub"])

    # ArgMax with select_last_index=1 breaks ties to the highest index.
    nodes, inits = chain((2, 6, 3))
    nodes += [helper.make_node("Softmax", ["logits"], ["probabilities"], name="/head/Softmax", axis=1),
              helper.make_node("ArgMax", ["probabilities"], ["label"], name="/head/ArgMax", axis=1, keepdims=0,
                               select_last_index=1)]
    m = graph(nodes, inits, [("label", TensorProto.INT64, ["batch_size"])], 3)
    save("head_argmax_select_last_index.onnx", m,
         "ArgMax '/head/ArgMax' with select_last_index=1: ties go to the highest index, climep's to the lowest",
         ["ArgMax", "/head/ArgMax", "select_last_index"])

    # Softmax along the batch axis: the arg-max of its output is not the arg-max of the logits.
    nodes, inits = chain((2, 6, 3))
    nodes += [helper.make_node("Softmax", ["logits"], ["probabilities"], name="/head/Softmax", axis=0)]
    m = graph(nodes, inits, [("probabilities", TensorProto.FLOAT, ["batch_size", 3])], 3)
    save("head_softmax_batch_axis.onnx", m, "Softmax '/head/Softmax' along axis 0 (the batch), not the class axis",
         ["Softmax", "/head/Softmax", "axis 0"])

    # ArgMax without an axis: ONNX's default axis is 0, the batch.
    nodes, inits = chain((2, 6, 3))
    nodes += [helper.make_node("ArgMax", ["logits"], ["label"], name="/head/ArgMax")]
    m = graph(nodes, inits, [("label", TensorProto.INT64, [1, 3])], 3)
    save("head_argmax_default_axis.onnx", m, "ArgMax '/head/ArgMax' without an axis attribute (default 0, the batch axis)",
         ["ArgMax", "/head/ArgMax", "axis 0"])


# --------------------------------------------------------------------------
# VNN-COMP 2021 networks
# --------------------------------------------------------------------------

VNN_PAIRS = [
    ("test/test_small.onnx", "test/test_small.vnnlib"),
    ("test/test_tiny.onnx", "test/test_tiny.vnnlib"),
    ("test/test_nano.onnx", "test/test_nano.vnnlib"),
    ("acasxu/ACASXU_run2a_1_1_batch_2000.onnx", "acasxu/prop_1.vnnlib"),
    ("acasxu/ACASXU_run2a_2_3_batch_2000.onnx", "acasxu/prop_2.vnnlib"),
    ("eran/ffnnSIGMOID__Point_6x200.onnx", "eran/mnist_spec_idx_1013_eps_0.01500.vnnlib"),
    ("eran/ffnnSIGMOID__Point_6x200.onnx", "eran/mnist_spec_idx_1150_eps_0.01200.vnnlib"),
    ("mnistfc/mnist-net_256x2.onnx", "mnistfc/prop_0_0.03.vnnlib"),
]

ATOM = re.compile(r"\(\s*(<=|>=)\s+X_(\d+)\s+([-+]?[0-9.]+(?:[eE][-+]?\d+)?)\s*\)")


def parse_vnnlib_box(path):
    """Input box from the X_i atoms: both the '(assert (<= X_i c))' form and the
    '(assert (or (and (>= X_0 -1) (<= X_0 1) ...)))' form used by the test/ files
    (those have a single disjunct). Bounds are exact rationals of the decimal text."""
    text = open(path).read()
    text = "\n".join(line.split(";")[0] for line in text.splitlines())
    n = len(re.findall(r"declare-const\s+X_\d+", text))
    lo, hi = [None] * n, [None] * n
    for op, i, c in ATOM.findall(text):
        i = int(i)
        v = Fraction(decimal.Decimal(c))
        if op == "<=":
            hi[i] = v if hi[i] is None else min(hi[i], v)
        else:
            lo[i] = v if lo[i] is None else max(lo[i], v)
    assert all(v is not None for v in lo + hi), path
    return lo, hi


def strictly_inside(v, lo, hi):
    f = Fraction(float(v))
    return lo < f < hi if lo < hi else f == lo


def vnn_points(lo, hi, n, rng):
    d = len(lo)
    pts = []
    centre = np.array([float((a + b) / 2) for a, b in zip(lo, hi)], dtype=np.float32)
    pts.append(centre)
    while len(pts) < n:
        u = rng.uniform(0.02, 0.98, size=d)
        p = np.array([float(a) + (float(b) - float(a)) * t for a, b, t in zip(lo, hi, u)], dtype=np.float32)
        pts.append(p)
    out = []
    for p in pts:
        p = p.copy()
        for j in range(d):
            # nudge into the open box if rounding to float32 pushed a coordinate onto/over a bound
            guard = 0
            while not strictly_inside(p[j], lo[j], hi[j]):
                target = np.float32(float((lo[j] + hi[j]) / 2))
                p[j] = np.nextafter(p[j], target, dtype=np.float32)
                guard += 1
                assert guard < 100
        out.append(p)
    return np.stack(out)


def chain_layers(model):
    """Layers as climep sees them: dense op (MatMul with a constant, Gemm) starts a layer,
    Add of a constant is its bias, Relu/Sigmoid/Tanh/... is its activation; Sub/Div by
    constants (normalisation), Flatten/Reshape/Identity/Constant are skipped."""
    inits = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    for n in model.graph.node:
        if n.op_type == "Constant":
            inits[n.output[0]] = numpy_helper.to_array(n.attribute[0].t)
    acts = {"Relu": "relu", "Sigmoid": "sigmoid", "Tanh": "tanh", "LeakyRelu": "leaky-relu"}
    layers = []
    for n in model.graph.node:
        if n.op_type == "Gemm":
            W = inits[n.input[1]]
            tb = [a.i for a in n.attribute if a.name == "transB"]
            out, inp = (W.shape if tb and tb[0] else W.shape[::-1])
            layers.append({"inputs": int(inp), "outputs": int(out), "activation": "identity"})
        elif n.op_type == "MatMul":
            if n.input[1] in inits:
                W = inits[n.input[1]]
                inp, out = W.shape
                layers.append({"inputs": int(inp), "outputs": int(out), "activation": "identity",
                               "weightSide": "right"})
            else:
                W = inits[n.input[0]]  # MatMul(W, x) with a 1-D x: y = W x
                out, inp = W.shape
                layers.append({"inputs": int(inp), "outputs": int(out), "activation": "identity",
                               "weightSide": "left"})
        elif n.op_type in acts:
            layers[-1]["activation"] = acts[n.op_type]
    return layers


def to_double(model):
    """float64 copy of a float32 graph (initializers, Constant values, input/output types), used
    only to decide which points are safely away from a label tie (never for the written logits)."""
    m = copy.deepcopy(model)
    g = m.graph
    for i, t in enumerate(g.initializer):
        if t.data_type == TensorProto.FLOAT:
            g.initializer[i].CopyFrom(numpy_helper.from_array(numpy_helper.to_array(t).astype(np.float64), t.name))
    for n in g.node:
        for a in n.attribute:
            if a.type == onnx.AttributeProto.TENSOR and a.t.data_type == TensorProto.FLOAT:
                a.t.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(a.t).astype(np.float64), a.t.name))
        assert n.op_type != "Cast"
    for vi in list(g.input) + list(g.output) + list(g.value_info):
        if vi.type.tensor_type.elem_type == TensorProto.FLOAT:
            vi.type.tensor_type.elem_type = TensorProto.DOUBLE
    return m


VNN_GAP = 1e-5


def part_vnncomp():
    os.makedirs(VNN_DIR, exist_ok=True)
    manifest = []
    for k, (net, prop) in enumerate(VNN_PAIRS):
        npath, ppath = os.path.join(BENCH, net), os.path.join(BENCH, prop)
        model = onnx.load(npath)
        check(model)
        lo, hi = parse_vnnlib_box(ppath)
        rng = np.random.default_rng(400 + k)
        cand = vnn_points(lo, hi, 30, rng)
        init_names = {t.name for t in model.graph.initializer}
        data_inputs = [i for i in model.graph.input if i.name not in init_names]
        assert len(data_inputs) == 1
        in_vi = data_inputs[0]
        in_shape = shape_of(in_vi)
        out_vi = model.graph.output[0]
        stem = os.path.splitext(os.path.basename(net))[0] + "__" + os.path.splitext(os.path.basename(prop))[0]
        single = len(model.graph.output) == 1 and int(np.prod(shape_of(out_vi))) == 1
        # feed one point at a time in the graph's own input shape
        sess = session(model)
        sess_opt = session(model, optimised=True)
        sess64 = session(to_double(model))
        rows_p, rows_e, dropped = [], [], 0
        for p in cand:
            feed = p.reshape(in_shape)
            y = sess.run([out_vi.name], {in_vi.name: feed})[0].reshape(-1)
            y2 = sess_opt.run([out_vi.name], {in_vi.name: feed})[0].reshape(-1)
            y64 = sess64.run([out_vi.name], {in_vi.name: feed.astype(np.float64)})[0].reshape(-1)
            lab, gap = label_and_gap(y)
            lab64, gap64 = label_and_gap(y64)
            if single:
                # exact zeros come from a final Relu (test_nano) and are exact in any arithmetic
                if 0 < abs(float(y64[0])) < VNN_GAP or lab != lab64:
                    dropped += 1
                    continue
            elif gap64 < VNN_GAP or lab != lab64:
                dropped += 1
                continue
            assert label_and_gap(y2)[0] == lab and np.allclose(y, y2, rtol=1e-4, atol=1e-5)
            rows_p.append([exact(v) for v in p])
            rows_e.append([str(lab)] + [exact(v) for v in y])
            if len(rows_p) == 10:
                break
        assert len(rows_p) == 10, (stem, dropped)
        d = len(lo)
        write_csv(os.path.join(VNN_DIR, stem + ".points.csv"), ["x%d" % j for j in range(d)], rows_p)
        write_csv(os.path.join(VNN_DIR, stem + ".expected.csv"),
                  ["label"] + ["logit%d" % j for j in range(len(rows_e[0]) - 1)], rows_e)
        ops = op_types(model)
        layers = chain_layers(model)
        nout = len(rows_e[0]) - 1
        storage = sorted({"raw_data" if t.raw_data else "typed" for t in model.graph.initializer})
        notes = ("input %r shape %s (reshape points to it), output %r shape %s; ir_version %d, opset %d, "
                 "producer %r %r. Node op types in order: %s. Initializer storage: %s. "
                 % (in_vi.name, in_shape, out_vi.name, shape_of(out_vi), model.ir_version,
                    model.opset_import[0].version, model.producer_name, model.producer_version,
                    " ".join(ops), "/".join(storage)))
        if any(not n.name for n in model.graph.node):
            notes += "Nodes have EMPTY names (refer to them by index / op type / output tensor). "
        if len(model.graph.input) > 1:
            notes += ("All %d initializers are ALSO listed as graph inputs (old exporter style); the only "
                      "data input is %r. " % (len(model.graph.input) - 1, in_vi.name))
        if "Sub" in ops:
            notes += "Normalisation Sub%s by constants precedes the first layer (fold it). " % (
                "/Div" if "Div" in ops else "")
        if net.startswith("acasxu"):
            notes += "The Sub subtracts initializer 'input_AvgImg', which is all zeros. "
        if net.startswith("eran"):
            notes += ("Constant nodes hold mean 0.1307 and std 0.3081 as [1,1,1,1] tensors (x-0.1307)/0.3081; "
                      "vnnlib X are pixel values in [0,1] before normalisation. ")
        if any(l.get("weightSide") == "left" for l in layers):
            notes += ("MatMul(W, x) with the WEIGHT FIRST and a 1-D input/activation vector (y = W x, W is "
                      "[out,in]); 1-D input of shape [1] without a batch dimension. ")
        if any(l.get("weightSide") == "right" for l in layers) and net.startswith("test"):
            notes += "MatMul(x, W) with W [in,out] and a 1-D input of shape [1] (no batch dimension). "
        if "Add" not in ops and "Gemm" not in ops:
            notes += "No bias (no Add). "
        if layers[-1]["activation"] != "identity":
            notes += ("The graph ENDS with an activation (%s): the last layer is not identity and the output "
                      "is post-activation. " % layers[-1]["activation"])
        if single:
            notes += ("One output: label 1 iff output > 0 (classes=2 by the one-logit convention); points "
                      "with 0 < |output| < 1e-5 (float64 evaluation) dropped. ")
        else:
            notes += ("label = arg-max of the outputs; points dropped where the float64 evaluation's top-two "
                      "gap is < 1e-5 or its arg-max differs from onnxruntime's float32 one. ")
        if net.startswith("acasxu"):
            notes += ("ACAS Xu outputs are scores of the 5 advisories (COC, weak left, weak right, strong left, "
                      "strong right) on a small scale (~0.02; top-two gaps often < 1e-3, hence the 1e-5 rule "
                      "here); the advisory is the arg-MIN, but the label column is the arg-max by the fixture "
                      "convention. ")
        notes += ("Points: the box centre (rounded to float32) first, then random float32 points strictly "
                  "inside the vnnlib box; %d dropped." % dropped)
        for l in layers:
            l.pop("weightSide", None)
        manifest.append({
            "network": net, "vnnlib": prop, "points": stem + ".points.csv", "expected": stem + ".expected.csv",
            "inputShape": in_shape, "inputs": d, "outputs": nout, "classes": 2 if nout == 1 else nout,
            "layers": layers, "ops": ops, "notes": notes,
        })
        print("vnncomp: %-60s %s | %s" % (stem, " ".join(ops), [(l["inputs"], l["outputs"], l["activation"]) for l in layers][:3]))
    write_json(os.path.join(VNN_DIR, "manifest.json"), manifest)


# --------------------------------------------------------------------------
# Examples/ demo model
# --------------------------------------------------------------------------

def part_examples():
    os.makedirs(EXAMPLES_DIR, exist_ok=True)
    spec = dict(name="moons-tanh", data="moons", d=2, k=2, hidden=(8, 8), act="tanh", noise=0.2,
                zipmap=False, dtype="float32", api="to_onnx", seed=42)
    model, clf, X = sklearn_model(spec)
    check(model)
    onnx.save(model, os.path.join(EXAMPLES_DIR, "moons-tanh.onnx"))
    logits, label, _ = skl_logits_and_outputs(model)
    box = data_box(X)
    cand = box_points(np.random.default_rng(4242), box, 60, np.float32, data=X)
    # written as NAME.points.csv / NAME.expected.csv then renamed to the demo names
    stats = evaluate_and_write(model, "moons-tanh", EXAMPLES_DIR, cand, logits, input_shape_tail=(2,),
                               label_output=label, n_keep=20)
    os.replace(os.path.join(EXAMPLES_DIR, "moons-tanh.points.csv"), os.path.join(EXAMPLES_DIR, "moons-points.csv"))
    os.replace(os.path.join(EXAMPLES_DIR, "moons-tanh.expected.csv"),
               os.path.join(EXAMPLES_DIR, "moons-expected.csv"))
    print("examples: moons-tanh.onnx box=%s ops=%s labels=%s" % (box, " ".join(op_types(model)), stats["labels"]))
    write_training_set(spec)


def write_training_set(spec):
    """Examples/moons-train.csv: the 300 points the demo model was trained on
    (the DecisionNet's training set in `climep demo`), shortest round-trip decimals."""
    X, _ = make_dataset(spec)
    with open(os.path.join(EXAMPLES_DIR, "moons-train.csv"), "w") as out:
        out.write("x0,x1\n")
        for row in X:
            out.write(",".join(repr(float(v)) for v in row) + "\n")


PARTS = {"models": part_models, "bad": part_bad, "vnncomp": part_vnncomp, "examples": part_examples}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", nargs="*", choices=sorted(PARTS), help="parts to generate (default: all)")
    args = ap.parse_args()
    print("versions: numpy %s, onnx %s, onnxruntime %s" % (np.__version__, onnx.__version__, ort.__version__))
    for p in (args.only or ["models", "bad", "vnncomp", "examples"]):
        PARTS[p]()


if __name__ == "__main__":
    main()
