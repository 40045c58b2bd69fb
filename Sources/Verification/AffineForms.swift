import ExactArithmetic
import NeuralNetwork

/// A vector of affine forms over shared noise symbols, in binary64 with
/// rigorous rounding (proofs/symbolic-error-bound.md §1–§2).
///
/// Meaning: for every input `x` of the box there are `ν(x) ∈ [−1, 1]^T`,
/// shared by all forms, and `θ_j(x) ∈ [−1, 1]` such that value `j` is
/// `c_j + Σ_t a_jt ν_t(x) + r_j θ_j(x)`. The centers and coefficients are
/// computed in round-to-nearest; every rounding error they carry is bounded
/// and added to the residual `r_j`, which is always an upper bound. Because
/// the symbols are shared, a later linear map lets their contributions
/// cancel — what interval arithmetic cannot do.
package struct AffineForms: Sendable {
    /// `T`, the number of noise symbols.
    package private(set) var symbolCount: Int
    /// `c_j`.
    package private(set) var centers: [Double]
    /// `a_jt`, row `j` at `[j·T, (j+1)·T)`.
    package private(set) var coefficients: [Double]
    /// `r_j ≥ 0`, an upper bound.
    package private(set) var residuals: [Double]

    /// The number of forms.
    package var count: Int { centers.count }

    /// `n` forms equal to zero, over no symbols.
    package static func zeros(_ n: Int) -> AffineForms {
        AffineForms(symbolCount: 0, centers: Array(repeating: 0, count: n), coefficients: [],
                    residuals: Array(repeating: 0, count: n))
    }

    /// The box `Π [l_i, u_i]` with one symbol per coordinate:
    /// `x_i = c_i + w_i ν_i`, `c_i` the double nearest the midpoint and `w_i`
    /// the least double with `[c_i − w_i, c_i + w_i] ⊇ [l_i, u_i]`, so
    /// `ν_i(x) = (x_i − c_i) / w_i ∈ [−1, 1]` (or 0 where `w_i = 0`).
    package static func box(_ box: InputBox) -> AffineForms {
        let d = box.lower.count
        var centers: [Double] = [], coefficients = Array(repeating: 0.0, count: d * d)
        for i in 0..<d {
            let c = ((box.lower[i] + box.upper[i]).timesPowerOfTwo(-1)).nearestDouble
            let exact = Rational(exactly: c)!
            let w = max((box.upper[i] - exact).doubleUp, (exact - box.lower[i]).doubleUp)
            centers.append(c)
            coefficients[i * d + i] = w
        }
        return AffineForms(symbolCount: d, centers: centers, coefficients: coefficients,
                           residuals: Array(repeating: 0, count: d))
    }

    /// An upper bound on `Σ_t |a_jt|`.
    package func coefficientMass(_ j: Int) -> Double {
        coefficients.withUnsafeBufferPointer { a in
            var s = 0.0
            for t in j * symbolCount ..< (j + 1) * symbolCount where a[t] != 0 { s = DirectedDouble.addUp(s, Swift.abs(a[t])) }
            return s
        }
    }

    /// An upper bound on `|value_j − c_j|`.
    package func radius(_ j: Int) -> Double { DirectedDouble.addUp(coefficientMass(j), residuals[j]) }

    /// An upper bound on `|value_j|`.
    package func magnitude(_ j: Int) -> Double { DirectedDouble.addUp(Swift.abs(centers[j]), radius(j)) }

    /// An interval holding value `j` for every input of the box; nil when a
    /// bound is not finite.
    package func range(_ j: Int) -> RationalInterval? {
        let r = radius(j)
        guard let lower = Rational(exactly: (centers[j] - r).nextDown),
              let upper = Rational(exactly: (centers[j] + r).nextUp) else { return nil }
        return RationalInterval(lower, upper)
    }

    /// Whether every number is finite (a non-finite one means no bound).
    package var isFinite: Bool {
        centers.allSatisfy(\.isFinite) && residuals.allSatisfy(\.isFinite) && coefficients.allSatisfy(\.isFinite)
    }

    /// `W x + b` (or `W x` without `bias`) for the forms `x`; the rounding of
    /// every dot product is bounded by `γ_m Σ|w||a| + m·η` and moved into
    /// the residual, together with `|W| r` and the layer's own conversion
    /// error (proofs/symbolic-error-bound.md §2).
    package func affine(_ layer: RoundedLayer, bias: Bool = true) -> AffineForms {
        let n = layer.rows, m = layer.columns, t = symbolCount
        precondition(m == count, "affine: width mismatch")
        let masses = (0..<m).map(coefficientMass)
        let magnitudes = (0..<m).map { DirectedDouble.addUp(DirectedDouble.addUp(Swift.abs(centers[$0]), masses[$0]), residuals[$0]) }
        var newCenters = Array(repeating: 0.0, count: n), newResiduals = Array(repeating: 0.0, count: n)
        var newCoefficients = Array(repeating: 0.0, count: n * t)
        let gammaCenter = DirectedDouble.gamma(m + 1), gammaCoefficients = DirectedDouble.gamma(m)
        let underflowTerms = DirectedDouble.multiplyUp(Double(m + 1) + Double(m) * Double(t), DirectedDouble.underflow)
        layer.weights.withUnsafeBufferPointer { w in
            coefficients.withUnsafeBufferPointer { a in
                newCoefficients.withUnsafeMutableBufferPointer { out in
                    for j in 0..<n {
                        var center = 0.0, centerMass = 0.0, coefficientMass = 0.0, residual = 0.0
                        let row = j * t
                        for l in 0..<m {
                            let weight = w[j * m + l]
                            if weight == 0 { continue }
                            let absWeight = Swift.abs(weight)
                            center += weight * centers[l]
                            centerMass = DirectedDouble.addUp(centerMass, DirectedDouble.multiplyUp(absWeight, Swift.abs(centers[l])))
                            coefficientMass = DirectedDouble.addUp(coefficientMass, DirectedDouble.multiplyUp(absWeight, masses[l]))
                            if residuals[l] != 0 {
                                residual = DirectedDouble.addUp(residual, DirectedDouble.multiplyUp(absWeight, residuals[l]))
                            }
                            let source = l * t
                            for s in 0..<t { out[row + s] += weight * a[source + s] }
                        }
                        if let errors = layer.weightErrors {
                            for l in 0..<m where errors[j * m + l] != 0 {
                                residual = DirectedDouble.addUp(residual, DirectedDouble.multiplyUp(errors[j * m + l], magnitudes[l]))
                            }
                        }
                        if bias {
                            center += layer.bias[j]
                            centerMass = DirectedDouble.addUp(centerMass, Swift.abs(layer.bias[j]))
                            residual = DirectedDouble.addUp(residual, layer.biasErrors[j])
                        }
                        residual = DirectedDouble.addUp(residual, DirectedDouble.multiplyUp(gammaCenter, centerMass))
                        residual = DirectedDouble.addUp(residual, DirectedDouble.multiplyUp(gammaCoefficients, coefficientMass))
                        residual = DirectedDouble.addUp(residual, underflowTerms)
                        newCenters[j] = center
                        newResiduals[j] = residual
                    }
                }
            }
        }
        return AffineForms(symbolCount: t, centers: newCenters, coefficients: newCoefficients, residuals: newResiduals)
    }

    /// One relaxation per form: given that the true output is
    /// `λ_j z_j + μ_j + β_j ν'_j` for some `ν'_j ∈ [−1, 1]` whenever `z_j` is
    /// value `j`, the forms of the outputs. A fresh symbol is added for every
    /// `β_j > 0`; rounding of `λ_j a_jt` and `λ_j c_j + μ_j` goes into the
    /// residual (proofs/symbolic-error-bound.md §2).
    package func relaxed(slopes: [Double], offsets: [Double], fresh: [Double]) -> AffineForms {
        precondition(slopes.count == count && offsets.count == count && fresh.count == count, "relaxed: width mismatch")
        let t = symbolCount
        var freshColumn = Array(repeating: -1, count: count), added = 0
        for j in 0..<count where fresh[j] > 0 {
            freshColumn[j] = t + added
            added += 1
        }
        let newT = t + added
        var newCoefficients = Array(repeating: 0.0, count: count * newT)
        var newCenters = Array(repeating: 0.0, count: count), newResiduals = Array(repeating: 0.0, count: count)
        let gamma1 = DirectedDouble.gamma(1), gamma2 = DirectedDouble.gamma(2)
        let underflowTerms = DirectedDouble.multiplyUp(Double(t + 1), DirectedDouble.underflow)
        coefficients.withUnsafeBufferPointer { a in
            newCoefficients.withUnsafeMutableBufferPointer { out in
                for j in 0..<count {
                    let slope = slopes[j], absSlope = Swift.abs(slope)
                    if freshColumn[j] >= 0 { out[j * newT + freshColumn[j]] = fresh[j] }
                    if slope == 0 {
                        newCenters[j] = offsets[j]
                        continue
                    }
                    for s in 0..<t { out[j * newT + s] = slope * a[j * t + s] }
                    newCenters[j] = slope * centers[j] + offsets[j]
                    var residual = DirectedDouble.multiplyUp(absSlope, residuals[j])
                    residual = DirectedDouble.addUp(residual, DirectedDouble.multiplyUp(gamma1, DirectedDouble.multiplyUp(absSlope, coefficientMass(j))))
                    let centerMass = DirectedDouble.addUp(DirectedDouble.multiplyUp(absSlope, Swift.abs(centers[j])), Swift.abs(offsets[j]))
                    residual = DirectedDouble.addUp(residual, DirectedDouble.multiplyUp(gamma2, centerMass))
                    newResiduals[j] = DirectedDouble.addUp(residual, underflowTerms)
                }
            }
        }
        return AffineForms(symbolCount: newT, centers: newCenters, coefficients: newCoefficients, residuals: newResiduals)
    }

    /// The forms with value `j` replaced by `0 ± bounds[j]` wherever
    /// `bounds[j]` is given: valid when `|value_j| ≤ bounds[j]` is known by
    /// other means (the per-neuron recursion).
    package func replacing(_ bounds: [Int: Double]) -> AffineForms {
        var copy = self
        for (j, bound) in bounds {
            copy.centers[j] = 0
            copy.residuals[j] = bound
            for s in j * symbolCount ..< (j + 1) * symbolCount { copy.coefficients[s] = 0 }
        }
        return copy
    }

    /// The forms with `extra[j] ≥ 0` added to each residual: they then also
    /// represent any values within `extra[j]` of the old ones.
    package func widened(by extra: [Double]) -> AffineForms {
        var copy = self
        for j in extra.indices { copy.residuals[j] = DirectedDouble.addUp(copy.residuals[j], extra[j]) }
        return copy
    }

    /// An upper bound on `|value_i − value_j|`: the symbols they share cancel.
    package func distance(_ i: Int, _ j: Int) -> Double {
        var s = DirectedDouble.distanceUp(centers[i], centers[j])
        coefficients.withUnsafeBufferPointer { a in
            for t in 0..<symbolCount where a[i * symbolCount + t] != a[j * symbolCount + t] {
                s = DirectedDouble.addUp(s, DirectedDouble.distanceUp(a[i * symbolCount + t], a[j * symbolCount + t]))
            }
        }
        return DirectedDouble.addUp(s, DirectedDouble.addUp(residuals[i], residuals[j]))
    }
}

/// A dense layer in binary64: the nearest doubles to its weights and bias and
/// upper bounds on their distance to the exact rationals (all zero for
/// weights read from float32 or float64 files) — or, `includingRadius`, to
/// any weights within the layer's radius (`DenseLayer.weightRadius`).
package struct RoundedLayer: Sendable {
    package let rows: Int
    package let columns: Int
    package let weights: [Double]
    /// `|W − fl(W)|` rounded up, or nil when every weight is a double.
    package let weightErrors: [Double]?
    package let bias: [Double]
    package let biasErrors: [Double]

    package init(_ layer: DenseLayer, includingRadius: Bool = false) {
        rows = layer.outputCount
        columns = layer.inputCount
        let entries = layer.weights.entries
        weights = entries.map(\.nearestDouble)
        let weightRadius = includingRadius ? layer.weightRadius : nil
        let biasRadius = includingRadius ? layer.biasRadius : nil
        let errors = zip(entries, weights).enumerated().map { i, pair in
            Rational(exactly: pair.1).map { ((pair.0 - $0).magnitude + (weightRadius?[i] ?? .zero)).doubleUp } ?? .infinity
        }
        weightErrors = errors.allSatisfy { $0 == 0 } ? nil : errors
        bias = layer.bias.map(\.nearestDouble)
        biasErrors = zip(layer.bias, bias).enumerated().map { i, pair in
            Rational(exactly: pair.1).map { ((pair.0 - $0).magnitude + (biasRadius?[i] ?? .zero)).doubleUp } ?? .infinity
        }
    }
}
