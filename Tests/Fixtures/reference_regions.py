"""Independent exact reference for 2-input ReLU models: linear regions and class areas
by exact polygon splitting in Python fractions (no LP, no shared code with climep).

Run from the repository root:
    python3 Tests/Fixtures/reference_regions.py MODEL.onnx LO HI [OUT.json]
Reads skl2onnx MLPClassifier graphs (MatMul + Add initializers in order, ReLU hidden
layers, identity output), splits the box [LO, HI]^2 layer by layer and neuron by neuron
at each ReLU's hyperplane, keeps pieces of positive area, and reports the number of
regions and the exact area where each class wins (one logit: class 1 where it is > 0;
several: arg-max, ties to the lowest index — ties have no area).
"""
import json, sys
from fractions import Fraction as F
import numpy as np
import onnx
from onnx import numpy_helper

def layers(path):
    m = onnx.load(path)
    init = {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}
    mats = [n for n in m.graph.node if n.op_type == "MatMul"]
    adds = [n for n in m.graph.node if n.op_type == "Add"]
    out = []
    for mm, ad in zip(mats, adds):
        w = init[mm.input[1]].T  # rows = outputs
        b = init[ad.input[1]].reshape(-1)
        out.append(([[F(float(v)) for v in row] for row in w], [F(float(v)) for v in b]))
    return out

def clip(poly, a, b, c):  # keep a*x + b*y + c <= 0
    res = []
    for i in range(len(poly)):
        p, q = poly[i], poly[(i + 1) % len(poly)]
        sp = a * p[0] + b * p[1] + c
        sq = a * q[0] + b * q[1] + c
        if sp <= 0: res.append(p)
        if (sp < 0 < sq) or (sq < 0 < sp):
            t = sp / (sp - sq)
            res.append((p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])))
    return res

def area(poly):
    if len(poly) < 3: return F(0)
    return abs(sum(poly[i][0] * poly[(i + 1) % len(poly)][1] - poly[(i + 1) % len(poly)][0] * poly[i][1] for i in range(len(poly)))) / 2

def regions(path, lo, hi):
    L = layers(path)
    box = [(lo, lo), (hi, lo), (hi, hi), (lo, hi)]
    # a region: polygon and the affine map of the current layer's input (rows: [a, b, c] for a*x + b*y + c)
    current = [(box, [[F(1), F(0), F(0)], [F(0), F(1), F(0)]])]
    for k, (w, bias) in enumerate(L):
        z_maps = []
        for poly, h in current:
            z = [[sum(w[i][j] * h[j][0] for j in range(len(h))), sum(w[i][j] * h[j][1] for j in range(len(h))),
                  sum(w[i][j] * h[j][2] for j in range(len(h))) + bias[i]] for i in range(len(w))]
            z_maps.append((poly, z))
        if k == len(L) - 1:
            return z_maps
        nxt = []
        for poly, z in z_maps:
            pieces = [(poly, [])]
            for i, (a, b, c) in enumerate(z):
                split = []
                for p, pattern in pieces:
                    below = clip(p, a, b, c)
                    above = clip(p, -a, -b, -c)
                    if area(below) > 0: split.append((below, pattern + [0]))
                    if area(above) > 0: split.append((above, pattern + [1]))
                pieces = split
            for p, pattern in pieces:
                nxt.append((p, [z[i] if pattern[i] else [F(0), F(0), F(0)] for i in range(len(z))]))
        current = nxt

def class_areas(final):
    k = len(final[0][1])
    classes = 2 if k == 1 else k
    areas = [F(0)] * classes
    for poly, z in final:
        for label in range(classes):
            p = poly
            if k == 1:
                a, b, c = z[0]
                p = clip(p, a, b, c) if label == 0 else clip(p, -a, -b, -c)
            else:
                for other in range(k):
                    if other == label: continue
                    d = [z[other][t] - z[label][t] for t in range(3)]
                    p = clip(p, *d)
            areas[label] += area(p)
    return areas

if __name__ == "__main__":
    path, lo, hi = sys.argv[1], F(sys.argv[2]), F(sys.argv[3])
    final = regions(path, lo, hi)
    areas = class_areas(final)
    result = {"model": path, "box": [str(lo), str(hi)], "count": len(final), "classArea": [f"{a.numerator}/{a.denominator}" if a.denominator != 1 else str(a.numerator) for a in areas]}
    text = json.dumps(result, indent=1)
    if len(sys.argv) > 4:
        open(sys.argv[4], "w").write(text + "\n")
    print(json.dumps({"count": result["count"], "areas": [float(a) for a in areas]}))
