import ExactArithmetic
import NeuralNetwork

/// The certified bound on `|f − g|` over one box (proofs/error-bound.md and
/// proofs/symbolic-error-bound.md), combining two rigorous recursions neuron
/// by neuron and keeping the smaller:
///
/// - the *per-neuron recursion* (Proposition 3): `Δ_k = |W_k| e_{k−1}` and
///   `e_k = min(ε(R^g) + L_σ(H)·Δ_k, ε(R^f) + L_p(H)·Δ_k)`, in exact rationals;
/// - the *symbolic difference*: `h^f_k − h^g_k` as affine forms over shared
///   error symbols (`AffineForms`), so that errors cancel through
///   `W_{k+1} W_k …` instead of being summed in absolute value.
///
/// The ranges `R^f`, `R^g` of the pre-activations are the intersection of
/// interval propagation and of affine-form (zonotope) propagation of `f` and
/// `g`. Margin bounds `|(f_i − f_j) − (g_i − g_j)|` come from the difference
/// forms of the logits directly.
///
/// Deterministic: `certify` and `check` run this same code on the same
/// inputs and get the same numbers; `epsilon` is a certificate's error
/// tables on both sides.
package struct ErrorRecursion: Sendable {
    /// What one box yields.
    package struct Result: Sendable {
        /// The bound on `|f_i − g_i|` for each logit.
        package let bound: [Rational]
        /// The bound on `|(f_i − f_j) − (g_i − g_j)|` for `i < j`, in the
        /// order of `ErrorRecursion.pairs(logits)`; at most `bound[i] + bound[j]`.
        package let marginBound: [Rational]
        /// Per layer: ranges of `f` and `g`, and each neuron's ε and `e_k`.
        package let layers: [Layer]

        /// `bound` followed by `marginBound`: what a sub-box tree maximises.
        package var claims: [Rational] { bound + marginBound }
    }

    /// One layer's figures.
    package struct Layer: Sendable {
        package let originalRanges: [RationalInterval]
        package let linearizedRanges: [RationalInterval]
        /// `min(ε(R^f), ε(R^g))` per neuron (zero where `g` keeps the activation).
        package let activationErrors: [Rational]
        /// `e_k` per neuron: the bound on `|h^f_k − h^g_k|`.
        package let outputErrors: [Rational]
    }

    /// The network whose error is bounded.
    package let g: LinearizedNetwork
    /// Whether the symbolic difference and affine-form ranges are used;
    /// without them this is the per-neuron recursion alone (the baseline the
    /// benchmarks compare against).
    package let symbolic: Bool
    /// Its layers in binary64, converted once; `roundedModel` with each
    /// layer's weight radius added to the conversion errors (the model file's
    /// real weights, for `f`'s forms).
    private let rounded: [RoundedLayer]
    private let roundedModel: [RoundedLayer]
    /// Back-substitution through `f` (ranges of its pre-activations).
    private let backward: BackwardBound?

    /// `backSubstitution: false` leaves out the back-substituted ranges (a
    /// benchmark baseline; the checker always uses them).
    package init(_ g: LinearizedNetwork, symbolic: Bool = true, backSubstitution: Bool = true) {
        self.g = g
        self.symbolic = symbolic
        rounded = symbolic ? g.original.layers.map { RoundedLayer($0) } : []
        roundedModel = symbolic ? g.original.layers.map { RoundedLayer($0, includingRadius: true) } : []
        backward = symbolic && backSubstitution ? BackwardBound(g.original) : nil
    }

    /// The pairs `(i, j)`, `i < j`, of `logits` logits, in the order margin
    /// bounds are listed.
    package static func pairs(_ logits: Int) -> [(Int, Int)] {
        (0..<logits).flatMap { i in (i + 1 ..< logits).map { (i, $0) } }
    }

    /// The bounds over `box`; `epsilon(k, R)` must return a rigorous upper
    /// bound on `sup over R of |σ − p|` for layer `k`'s smooth activation `σ`
    /// and its fit `p`, or nil when it cannot (then this returns nil).
    package func evaluate(over box: InputBox, epsilon: (_ layer: Int, RationalInterval) -> Rational?) -> Result? {
        let f = g.original
        let fIntervals = IntervalPropagation.original(f, over: box).preActivation
        // f's pre-activation ranges by back-substitution (DeepPoly/CROWN lines).
        let substituted = symbolic ? backward?.leaf(box) : nil
        let gIntervals = IntervalPropagation.linearized(g, over: box).preActivation
        var fForms = AffineForms.box(box), gForms = fForms
        var difference = AffineForms.zeros(f.inputCount)
        var e = Array(repeating: Rational.zero, count: f.inputCount)
        // Ranges of f's layer outputs (the box first): a weight radius moves
        // z^f by at most R |h^f| + r_b.
        var fOutputs = zip(box.lower, box.upper).map { RationalInterval($0, $1) }
        var layers: [Layer] = []
        for (k, layer) in f.layers.enumerated() {
            let p = g.activations[k]
            let smooth = SmoothActivation(layer.activation)
            // The difference z^f − z^g, both ways.
            var zeta = symbolic ? difference.affine(rounded[k], bias: false) : nil
            var delta = Self.absoluteProduct(layer.weights, e)
            if let spread = IntervalPropagation.radiusSpread(layer, fOutputs.map(\.magnitude)) {
                delta = zip(delta, spread).map { $0 + $1 }
                zeta = zeta?.widened(by: spread.map(\.doubleUp))
            }
            let reaches = (0..<layer.outputCount).map { j in min(zeta?.magnitude(j) ?? .infinity, delta[j].doubleUp) }
            // Ranges: intervals ∩ affine forms ∩ back-substitution for f, and
            // for g also f's range widened by the difference; then the forms
            // of the outputs.
            var rf = fIntervals[k], rg = gIntervals[k]
            if symbolic {
                let zf = fForms.affine(roundedModel[k]), zg = gForms.affine(rounded[k])
                rf = rf.indices.map { j in Self.tightest(rf[j], zf.range(j)) }
                if let substituted {
                    rf = rf.indices.map { j in Self.tightest(rf[j], Self.interval(substituted.lows[k][j], substituted.highs[k][j])) }
                }
                rg = rg.indices.map { j in
                    Self.tightest(Self.tightest(rg[j], zg.range(j)),
                                  Self.interval(-DirectedDouble.addUp(-rf[j].lower.doubleDown, reaches[j]),
                                                DirectedDouble.addUp(rf[j].upper.doubleUp, reaches[j])))
                }
                if k + 1 < f.layers.count {
                    fForms = zf.relaxed(rf.map { r in smooth.map { Relaxation(smooth: $0, on: r) } ?? Relaxation(p, on: r) })
                    gForms = zg.relaxed(rg.map { Relaxation(p, on: $0) })
                }
            }
            if !f.isExact { fOutputs = rf.map { r in smooth?.enclosure(r) ?? p.image(of: r) } }
            var next: [Rational] = [], errors: [Rational] = []
            var steps: [Relaxation] = []
            for j in 0..<layer.outputCount {
                let hull = rf[j].union(rg[j])
                let reach = reaches[j]
                guard let smooth else {
                    errors.append(.zero)
                    next.append((p.lipschitz(on: hull) * delta[j]).roundedUp(toBits: IntervalPropagation.bits))
                    if symbolic {
                        steps.append(Relaxation(slopes: p.slopeRange(on: hull), offsets: RationalInterval(point: .zero), reach: reach))
                    }
                    continue
                }
                guard let epsilonG = epsilon(k, rg[j]),
                      let epsilonF = rf[j] == rg[j] ? epsilonG : epsilon(k, rf[j]) else { return nil }
                errors.append(min(epsilonF, epsilonG))
                if delta[j].isZero {
                    next.append(min(epsilonF, epsilonG))
                } else {
                    let viaSigma = epsilonG + smooth.derivativeEnclosure(hull).magnitude * delta[j]
                    let viaP = epsilonF + p.lipschitz(on: hull) * delta[j]
                    next.append(min(viaSigma, viaP).roundedUp(toBits: IntervalPropagation.bits))
                }
                guard symbolic else { continue }
                // σ(u) − p(v) = σ'(ξ)(u − v) + (σ − p)(v) = q(u − v) + (σ − p)(u), q a slope of p on H.
                let viaSigma = Relaxation(slopes: smooth.derivativeEnclosure(hull),
                                          offsets: Self.signedError(smooth, p, on: rg[j], bound: epsilonG), reach: reach)
                let viaP = Relaxation(slopes: p.slopeRange(on: hull),
                                      offsets: Self.signedError(smooth, p, on: rf[j], bound: epsilonF), reach: reach)
                steps.append(viaP.fresh < viaSigma.fresh ? viaP : viaSigma)
            }
            guard let zeta else {
                layers.append(Layer(originalRanges: rf, linearizedRanges: rg, activationErrors: errors, outputErrors: next))
                e = next
                continue
            }
            difference = zeta.relaxed(steps)
            // Neuron by neuron, keep the smaller of the two bounds.
            var replaced: [Int: Double] = [:]
            for j in 0..<layer.outputCount {
                let symbolic = difference.magnitude(j)
                guard symbolic.isFinite, let exact = Rational(exactly: symbolic) else {
                    replaced[j] = next[j].doubleUp
                    continue
                }
                if exact < next[j] { next[j] = exact }
                // A row whose shared symbols would cancel later is worth more
                // than a slightly smaller `0 ± e`: replace only when far looser.
                if exact > 2 * next[j] {
                    replaced[j] = next[j].doubleUp
                }
            }
            if !replaced.isEmpty { difference = difference.replacing(replaced) }
            layers.append(Layer(originalRanges: rf, linearizedRanges: rg, activationErrors: errors, outputErrors: next))
            e = next
        }
        let margins = Self.pairs(e.count).map { i, j in
            let symbolic = self.symbolic ? difference.distance(i, j) : .infinity
            let sum = e[i] + e[j]
            guard symbolic.isFinite, let exact = Rational(exactly: symbolic) else { return sum }
            return min(exact, sum)
        }
        return Result(bound: e, marginBound: margins, layers: layers)
    }

    /// The interval range, narrowed by the affine-form range where that is
    /// tighter (both hold every value, so their intersection does).
    static func tightest(_ interval: RationalInterval, _ form: RationalInterval?) -> RationalInterval {
        guard let form, let both = interval.intersection(form) else { return interval }
        return both
    }

    /// `[low, high]` as rationals; nil when either is not finite.
    static func interval(_ low: Double, _ high: Double) -> RationalInterval? {
        guard let lower = Rational(exactly: low), let upper = Rational(exactly: high), lower <= upper else { return nil }
        return RationalInterval(lower, upper)
    }

    /// An interval holding `σ(z) − p(z)` for every `z ∈ r`: `[−ε, ε]` from the
    /// error table, narrowed by a mean-value enclosure on each piece of `p`
    /// meeting `r` when there are few (proofs/symbolic-error-bound.md §3).
    static func signedError(_ sigma: SmoothActivation, _ p: PiecewiseLinearFunction, on r: RationalInterval,
                            bound epsilon: Rational) -> RationalInterval {
        let table = RationalInterval(-epsilon, epsilon)
        let pieces = p.pieces(meeting: r)
        guard pieces.count <= 4 else { return table }
        var hull: RationalInterval?
        for i in pieces {
            let low = i == 0 ? r.lower : max(r.lower, p.breakpoints[i - 1])
            let high = i == p.pieceCount - 1 ? r.upper : min(r.upper, p.breakpoints[i])
            guard low <= high else { continue }
            let part = RationalInterval(low, high)
            let c = part.midpoint
            let line = PiecewiseLinearFunction.Line(slope: p.slopes[i], intercept: p.intercepts[i])
            let atCenter = sigma.enclosure(RationalInterval(point: c)) - RationalInterval(point: line(c))
            let slopes = sigma.derivativeEnclosure(part)
            let steepest = max((slopes.lower - line.slope).magnitude, (slopes.upper - line.slope).magnitude)
            let spread = steepest * part.width.timesPowerOfTwo(-1)
            let piece = RationalInterval(atCenter.lower - spread, atCenter.upper + spread)
            hull = hull.map { $0.union(piece) } ?? piece
        }
        guard let hull, let both = table.intersection(hull) else { return table }
        return both.roundedOutward(toBits: IntervalPropagation.bits)
    }

    /// `|W| e`, exactly.
    static func absoluteProduct(_ w: RationalMatrix, _ e: [Rational]) -> [Rational] {
        if e.allSatisfy(\.isZero) { return Array(repeating: .zero, count: w.rows) }
        return (0..<w.rows).map { i in dot(w.row(i).map(\.magnitude), e) }
    }
}

/// `y = λ·z + μ + β·ν'` with `|ν'| ≤ 1`: one neuron's output as an affine
/// function of its input plus a fresh error symbol, valid for every input
/// the relaxation was built for (proofs/symbolic-error-bound.md §2–§3).
struct Relaxation {
    /// `λ`.
    private(set) var slope: Double
    /// `μ`.
    private(set) var offset: Double
    /// `β ≥ 0`, an upper bound.
    private(set) var fresh: Double

    /// For `y = s·z + o` with an unknown `s ∈ slopes`, `o ∈ offsets` and
    /// `|z| ≤ reach`: `λ`, `μ` the (rounded) midpoints, `β` what is left over,
    /// `rad(slopes)·reach + rad(offsets)`, rounded up.
    init(slopes: RationalInterval, offsets: RationalInterval, reach: Double) {
        let (m, slopeRadius) = Relaxation.split(slopes)
        let (o, offsetRadius) = Relaxation.split(offsets)
        slope = m
        offset = o
        fresh = DirectedDouble.addUp(DirectedDouble.multiplyUp(slopeRadius, reach), offsetRadius)
    }

    /// The output of the piecewise-linear `p` over inputs in `r`: `λ` the
    /// chord's slope (rounded), and `μ ± β` the exact range of `p(z) − λz`.
    init(_ p: PiecewiseLinearFunction, on r: RationalInterval) {
        let chord = r.lower < r.upper ? ((p(r.upper) - p(r.lower)) / r.width).nearestDouble : 0
        slope = chord
        (offset, fresh) = Relaxation.split(p.deviationRange(fromSlope: Rational(exactly: chord)!, on: r))
    }

    /// The output of a smooth `σ` over inputs in `r`: with `λ ≤ min σ'` on
    /// `r` (negative for a non-monotone `σ`), `σ(z) − λz` is nondecreasing,
    /// so its range lies between its enclosed values at the ends; or the
    /// chord's slope with a piecewise-enclosed deviation, when smaller and
    /// `allowingChord`.
    init(smooth sigma: SmoothActivation, on r: RationalInterval, allowingChord: Bool = true) {
        let lambda = sigma.derivativeEnclosure(r).lower.doubleDown
        let exact = Rational(exactly: lambda)!
        let ends = (sigma.enclosure(RationalInterval(point: r.lower)), sigma.enclosure(RationalInterval(point: r.upper)))
        let low = ends.0.lower - exact * r.lower
        let high = ends.1.upper - exact * r.upper
        slope = lambda
        (offset, fresh) = Relaxation.split(RationalInterval(low, high))
        // The chord's slope keeps more of z when the range is wide (a smaller
        // λ throws the correlation away); its deviation is enclosed piecewise.
        guard allowingChord, r.lower < r.upper, let chord = Rational(exactly: ((ends.1.midpoint - ends.0.midpoint) / r.width).nearestDouble),
              chord > exact else { return }
        let (m, radius) = Relaxation.split(PartEnclosures(sigma, on: r, parts: Relaxation.partCount(r)).deviationRange(slope: chord))
        if radius < fresh {
            slope = chord.nearestDouble
            offset = m
            fresh = radius
        }
    }

    /// About four parts per unit of width (4 to 64): `σ'` changes on that scale.
    static func partCount(_ r: RationalInterval) -> Int {
        min(64, max(4, Int((r.width * 4).nearestDouble.rounded(.up))))
    }

    /// `(m, ρ)` with `m` the double nearest the midpoint of `x` and `ρ` an
    /// upper bound on `max(x.upper − m, m − x.lower)`: `x ⊆ [m − ρ, m + ρ]`.
    static func split(_ x: RationalInterval) -> (Double, Double) {
        let m = x.midpoint.nearestDouble
        guard let exact = Rational(exactly: m) else { return (0, .infinity) }
        return (m, max((x.upper - exact).doubleUp, (exact - x.lower).doubleUp))
    }
}

extension AffineForms {
    /// `relaxed(slopes:offsets:fresh:)` with one `Relaxation` per form.
    func relaxed(_ steps: [Relaxation]) -> AffineForms {
        relaxed(slopes: steps.map(\.slope), offsets: steps.map(\.offset), fresh: steps.map(\.fresh))
    }
}

/// A smooth `σ` enclosed once on each of `parts` equal parts `P` of a range
/// (midpoint `c`, `enc(σ(c))`, `enc(σ'(P))`), so that `σ(z) − λz` can be
/// enclosed for many slopes `λ` at the cost of rational arithmetic alone.
struct PartEnclosures {
    private let centers: [Rational], values: [RationalInterval], slopes: [RationalInterval], halfWidths: [Rational]

    init(_ sigma: SmoothActivation, on r: RationalInterval, parts: Int) {
        let step = r.width / Rational(parts)
        var centers: [Rational] = [], values: [RationalInterval] = [], slopes: [RationalInterval] = [], halfWidths: [Rational] = []
        for i in 0..<parts {
            // The last part ends exactly at the range's end.
            let part = RationalInterval(r.lower + step * Rational(i), i == parts - 1 ? r.upper : r.lower + step * Rational(i + 1))
            centers.append(part.midpoint)
            values.append(sigma.enclosure(RationalInterval(point: part.midpoint)))
            slopes.append(sigma.derivativeEnclosure(part))
            halfWidths.append(part.width.timesPowerOfTwo(-1))
        }
        (self.centers, self.values, self.slopes, self.halfWidths) = (centers, values, slopes, halfWidths)
    }

    /// An interval holding `σ(z) − λz` for every `z` of the range: on each part,
    /// `σ(c) − λc ± max_P |σ' − λ| · width(P)/2` (mean value theorem;
    /// proofs/symbolic-error-bound.md §3), and the hull over the parts.
    func deviationRange(slope lambda: Rational) -> RationalInterval {
        var hull: RationalInterval?
        for i in centers.indices {
            let atCenter = values[i] - RationalInterval(point: lambda * centers[i])
            let spread = max((slopes[i].lower - lambda).magnitude, (slopes[i].upper - lambda).magnitude) * halfWidths[i]
            let piece = RationalInterval(atCenter.lower - spread, atCenter.upper + spread)
            hull = hull.map { $0.union(piece) } ?? piece
        }
        return hull!.roundedOutward(toBits: IntervalPropagation.bits)
    }
}
