"""One-input JSON models with one hidden layer of n ReLUs whose breakpoints
(n + 1 - 2k)/(n + 1), k = 1..n, decrease with k, so that every path of the
split tree over [-1, 1] cuts every neuron (issue 9's deep split trees).

    python3 Benchmarks/models/make_relu_layer.py 500   # writes sorted500.json here
"""
import json
import sys

n = int(sys.argv[1])
breakpoints = [(n + 1 - 2 * k) / (n + 1) for k in range(1, n + 1)]
model = {
    "format": "climep-model",
    "layers": [
        {"weights": [["1"] for _ in range(n)], "bias": [repr(-b) for b in breakpoints], "activation": "relu"},
        {"weights": [[str((-1) ** k) for k in range(n)], ["0"] * n], "bias": ["0", "0"], "activation": "identity"},
    ],
}
with open(f"sorted{n}.json", "w") as out:
    json.dump(model, out)
