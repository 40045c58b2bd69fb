#!/usr/bin/env python3
"""Decide a VNN-LIB property with Marabou (the peer verifier climep is measured against).

Usage: marabou_verify.py MODEL.onnx PROP.vnnlib TIMEOUT_SECONDS
Prints one line: `<answer> <seconds>` with answer sat, unsat, timeout or error.

Reads the VNN-LIB forms of the VNN-COMP 2021 benchmarks: input bounds, and output
constraints as top-level assertions (one conjunction) or as (or (and ...) ...) of
conjunctions. Each conjunction is one Marabou query; the property is sat when one is.
Not a dependency of climep: only Benchmarks/vnncomp/compare.sh runs it.
"""
import re
import sys
import time
from fractions import Fraction


def read_property(path):
    text = re.sub(r";[^\n]*", "", open(path).read())
    lower, upper = {}, {}
    cases = []

    def atom(op, a, b):
        # a op b with a, b each a variable or a number: returns ('x', i, kind, value) or a Y constraint.
        def term(t):
            m = re.fullmatch(r"([XY])_(\d+)", t)
            return (m.group(1), int(m.group(2))) if m else ("c", float(Fraction(t)))
        ta, tb = term(a), term(b)
        if op == ">=":
            ta, tb, op = tb, ta, "<="
        # ta <= tb
        if ta[0] == "X" and tb[0] == "c":
            upper[ta[1]] = min(upper.get(ta[1], float("inf")), tb[1]); return None
        if tb[0] == "X" and ta[0] == "c":
            lower[tb[1]] = max(lower.get(tb[1], -float("inf")), ta[1]); return None
        # Σ c_j y_j <= s
        coeffs, scalar = {}, 0.0
        if ta[0] == "Y": coeffs[ta[1]] = coeffs.get(ta[1], 0) + 1
        else: scalar -= ta[1]
        if tb[0] == "Y": coeffs[tb[1]] = coeffs.get(tb[1], 0) - 1
        else: scalar += tb[1]
        return (coeffs, scalar)

    comparison = r"\((<=|>=)\s+([^\s()]+)\s+([^\s()]+)\)"
    for assertion in re.findall(r"\(assert\s+(.*?)\)\s*(?=\(assert|\Z)", text, re.S):
        assertion = assertion.strip()
        if assertion.startswith("(or"):
            for conj in re.findall(r"\(and((?:\s*" + comparison + r")+)\s*\)", assertion):
                case = [c for c in (atom(*m) for m in re.findall(comparison, conj[0])) if c]
                cases.append(case)
        else:
            m = re.fullmatch(comparison, assertion)
            c = atom(*m.groups())
            if c:
                cases.append([c]) if not cases else cases[0].append(c)
    if not cases:
        cases = [[]]
    return lower, upper, cases


def main():
    model, prop, timeout = sys.argv[1], sys.argv[2], float(sys.argv[3])
    from maraboupy import Marabou
    lower, upper, cases = read_property(prop)
    start = time.time()
    answer = "unsat"
    for case in cases:
        left = timeout - (time.time() - start)
        if left <= 0:
            answer = "timeout"; break
        net = Marabou.read_onnx(model)
        x = net.inputVars[0].flatten()
        y = net.outputVars[0].flatten()
        for i, v in enumerate(x):
            net.setLowerBound(v, lower[i]); net.setUpperBound(v, upper[i])
        for coeffs, scalar in case:
            net.addInequality([y[j] for j in coeffs], list(coeffs.values()), scalar)
        options = Marabou.createOptions(timeoutInSeconds=max(1, int(left)), verbosity=0)
        result, _, _ = net.solve(options=options, verbose=False)
        if result == "sat":
            answer = "sat"; break
        if result != "unsat":
            answer = "timeout" if "TIMEOUT" in result.upper() else "error"; break
    print(answer, "%.2f" % (time.time() - start))


if __name__ == "__main__":
    begin = time.time()
    try:
        main()
    except Exception as error:  # e.g. a graph Marabou's ONNX parser cannot read
        print("error", "%.2f" % (time.time() - begin))
        print(repr(error)[:200], file=sys.stderr)
