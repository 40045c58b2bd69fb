import ExactArithmetic
import Foundation
import NeuralNetwork
import Polyhedra
import Synchronization
import Verification

/// Decides a VNN-LIB property: the search side of `climep verify`.
///
/// Cases that share a box are searched together by branch and bound over
/// input halvings and neuron splits (`PropertySplitTree`). On each node the
/// outputs' affine forms (`OutputForms`) bound every case still open; a case
/// is closed on the node by multipliers whose combination of its constraints
/// is proven positive there (the same function `PropertyChecker` runs).
/// Where a case stays open, the corner of the box that minimises the
/// combination and the centre are tried as counterexamples (proven exactly
/// before they count), and the node is split where the open combinations
/// lose most. Nodes are searched on every core. Everything this finds is
/// re-verified by `PropertyChecker`; nothing here is trusted
/// (proofs/property.md §5).
public enum PropertyVerifier {
    /// Limits of the search.
    public struct Options: Sendable {
        /// Seconds after which the answer is `unknown`; nil: no limit.
        public var timeout: Double?
        /// Sub-boxes after which the answer is `unknown`.
        public var maximumSubBoxes: Int
        /// Most splits on one branch before it is given up (`unknown`).
        public var maximumDepth: Int
        /// Whether neurons with a two-piece activation (ReLU, leaky ReLU) may
        /// be split besides inputs; nil: only for more than
        /// `PropertyVerifier.fewInputs` inputs. A neuron split removes the
        /// neuron's relaxation but, unlike a halving, leaves the box as it
        /// is, so on few inputs halvings close cases sooner. With neuron
        /// splits, nodes are bounded by back-substitution (`BackwardBound`)
        /// rather than the forms: it enforces the splits through multipliers.
        /// With halvings, the forms bound each node and choose the halving,
        /// and back-substitution is tried on the cases they leave open (on
        /// ACAS Xu's five inputs, back-substitution alone chose halvings
        /// badly: its input coefficients are tiny where the chords' offsets
        /// dominate; BENCHMARKS.md).
        public var neuronSplits: Bool?

        public init(timeout: Double? = nil, maximumSubBoxes: Int = 50_000_000, maximumDepth: Int = 500, neuronSplits: Bool? = nil) {
            self.timeout = timeout
            self.maximumSubBoxes = maximumSubBoxes
            self.maximumDepth = maximumDepth
            self.neuronSplits = neuronSplits
        }
    }

    /// Up to this many inputs, only inputs are split by default.
    public static let fewInputs = 8

    /// The answer with its certificate (none for `unknown`).
    public struct Result: Sendable {
        /// `"holds"`, `"violated"` or `"unknown"`.
        public let answer: String
        /// Why the answer is `unknown`.
        public let reason: String?
        public let certificate: PropertyCertificate?
        /// Sub-boxes whose bounds were computed.
        public let subBoxes: Int
        /// Leaves of the certificate's trees (all cases).
        public let leaves: Int
        /// `violated`: the case and the input, and the outputs there (display).
        public let counterexample: (case: Int, input: [Rational], outputs: [Double])?
        /// Per case, the best lower bound (floating point, display) of a
        /// combination of its constraints over the whole box: how far the
        /// root is from being closed (> 0 closes it).
        public let rootBounds: [Double]
    }

    /// Decides `property` for `network` (read from `file`). Throws
    /// `InputError` when the property does not fit the model.
    public static func verify(
        _ network: Network, file: ModelFile, property: VNNLIBProperty, options: Options = Options(),
        progress: @escaping @Sendable (String) -> Void = { _ in }
    ) throws(InputError) -> Result {
        guard property.inputCount == network.inputCount else {
            throw InputError("the property declares \(property.inputCount) inputs, the model has \(network.inputCount)")
        }
        guard property.outputCount == network.logitCount else {
            throw InputError("the property declares \(property.outputCount) outputs, the model has \(network.logitCount)")
        }
        guard network.provenance.strippedHead.isEmpty else {
            throw InputError("the model's graph ends in \(network.provenance.strippedHead.joined(separator: ", ")); verify reads Y_j as the network's outputs, so the head must not be there")
        }
        let model = Certificate.ModelClaims(network, file: file)
        let claims = PropertyCertificate.PropertyClaims(property)
        let deadline = options.timeout.map { ContinuousClock.now + .milliseconds(Int64(($0 * 1000).rounded(.up))) }
        let bounder = OutputForms(network)

        // Cases sharing a box are searched in one tree.
        var groups: [(box: InputBox, cases: [Int])] = []
        for (k, c) in property.cases.enumerated() {
            if let g = groups.firstIndex(where: { $0.box == c.box }) { groups[g].cases.append(k) } else { groups.append((c.box, [k])) }
        }
        var proofs = [PropertyCertificate.CaseProof?](repeating: nil, count: property.cases.count)
        var subBoxes = 0
        var rootBounds = [Double](repeating: -.infinity, count: property.cases.count)
        for group in groups {
            let search = GroupSearch(bounder: bounder, property: property, cases: group.cases, deadline: deadline, options: options, progress: progress)
            let outcome = search.run(group.box)
            subBoxes += search.visited
            for (k, bound) in search.rootBounds { rootBounds[k] = bound }
            switch outcome {
            case .violated(let k, let x):
                let outputs = network.logits(x.map(\.nearestDouble))
                let certificate = PropertyCertificate(model: model, property: claims, answer: "violated", holds: nil,
                                                      violation: .init(case: k, input: x))
                return Result(answer: "violated", reason: nil, certificate: certificate, subBoxes: subBoxes, leaves: 0,
                              counterexample: (k, x, outputs), rootBounds: rootBounds)
            case .unknown(let reason):
                return Result(answer: "unknown", reason: reason, certificate: nil, subBoxes: subBoxes, leaves: 0, counterexample: nil, rootBounds: rootBounds)
            case .holds(let trees):
                for (k, proof) in trees { proofs[k] = proof }
            }
        }
        let all = proofs.map { $0! }
        let certificate = PropertyCertificate(model: model, property: claims, answer: "holds", holds: all, violation: nil)
        return Result(answer: "holds", reason: nil, certificate: certificate, subBoxes: subBoxes,
                      leaves: all.reduce(0) { $0 + $1.leaves.count }, counterexample: nil, rootBounds: rootBounds)
    }
}

/// Branch and bound over one box for the cases that share it.
private final class GroupSearch: @unchecked Sendable {
    enum Outcome {
        case holds([(Int, PropertyCertificate.CaseProof)])
        case violated(Int, [Rational])
        case unknown(String)
    }

    /// A searched sub-box: the multipliers closing each case closed here,
    /// and the cut and children when some case stayed open.
    struct Node {
        var closed: [Int: PropertyCertificate.LeafProof] = [:]
        var cut: (coordinate: Int, low: Int, high: Int)?
    }

    struct Pending {
        let id: Int
        let box: InputBox
        let pieces: PropertySplitTree.Pieces
        let open: [Int]
        let depth: Int
    }

    struct State {
        var stack: [Pending] = []
        var nodes: [Node] = []
        var busy = 0
        var stop: Outcome?
    }

    let bounder: OutputForms
    let property: VNNLIBProperty
    let cases: [Int]
    let deadline: ContinuousClock.Instant?
    let options: PropertyVerifier.Options
    let progress: @Sendable (String) -> Void
    let splittable: [Int: (layer: Int, neuron: Int)]
    private let state = Mutex(State())
    private(set) var visited = 0
    private let root = Mutex<[Int: Double]>([:])
    var rootBounds: [Int: Double] { root.withLock { $0 } }

    init(bounder: OutputForms, property: VNNLIBProperty, cases: [Int], deadline: ContinuousClock.Instant?,
         options: PropertyVerifier.Options, progress: @escaping @Sendable (String) -> Void) {
        self.bounder = bounder
        self.property = property
        self.cases = cases
        self.deadline = deadline
        self.options = options
        self.progress = progress
        splittable = PropertySplitTree.splittableNeurons(bounder.network)
        neuronSplits = options.neuronSplits ?? (property.inputCount > PropertyVerifier.fewInputs)
        backward = neuronSplits && !splittable.isEmpty ? BackwardBound(bounder.network) : nil
        closing = !neuronSplits && !splittable.isEmpty ? BackwardBound(bounder.network) : nil
    }

    let neuronSplits: Bool
    /// With input halvings on a network with two-piece neurons: the
    /// back-substituted bound, tried on a case the forms leave open.
    let closing: BackwardBound?
    /// The back-substituted bound, used instead of the forms when neurons are split.
    let backward: BackwardBound?

    func run(_ box: InputBox) -> Outcome {
        state.withLock {
            $0.nodes = [Node()]
            $0.stack = [Pending(id: 0, box: box, pieces: [:], open: cases, depth: 0)]
        }
        let started = ContinuousClock.now
        let lastReport = Mutex(started)
        let workers = ProcessInfo.processInfo.activeProcessorCount
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let item = take() {
                let node = process(item)
                finish(item, node)
                let now = ContinuousClock.now
                if lastReport.withLock({ last in
                    guard now - last >= .seconds(1) else { return false }
                    last = now
                    return true
                }) {
                    let (done, open) = state.withLock { ($0.nodes.count, $0.stack.count) }
                    progress("verifying: \(InputLimits.grouped(done)) sub-boxes, \(InputLimits.grouped(open)) open, \(Int((now - started).components.seconds)) s")
                }
            }
        }
        let final = state.withLock { $0 }
        visited = final.nodes.count
        if let stop = final.stop { return stop }
        return .holds(cases.map { k in (k, proof(of: k, in: final.nodes)) })
    }

    /// The next sub-box to search, waiting while others may still add some; nil when the search is over.
    private func take() -> Pending? {
        while true {
            let (item, over) = state.withLock { s -> (Pending?, Bool) in
                if s.stop != nil { return (nil, true) }
                if let item = s.stack.popLast() {
                    s.busy += 1
                    return (item, false)
                }
                return (nil, s.busy == 0)
            }
            if let item { return item }
            if over { return nil }
            usleep(200)
        }
    }

    /// The children of a node that stays open: the cut's tree entry and each child's box and pieces.
    typealias Children = (entry: Int, low: (InputBox, PropertySplitTree.Pieces), high: (InputBox, PropertySplitTree.Pieces))

    private func finish(_ item: Pending, _ result: (Node, Outcome?, Children?)) {
        let (node, stop, children) = result
        state.withLock { s in
            s.busy -= 1
            if s.stop == nil, let stop { s.stop = stop }
            guard s.stop == nil else { return }
            var node = node
            if let children {
                let open = item.open.filter { node.closed[$0] == nil }
                let lowID = s.nodes.count, highID = lowID + 1
                s.nodes.append(Node())
                s.nodes.append(Node())
                node.cut = (children.entry, lowID, highID)
                s.stack.append(Pending(id: highID, box: children.high.0, pieces: children.high.1, open: open, depth: item.depth + 1))
                s.stack.append(Pending(id: lowID, box: children.low.0, pieces: children.low.1, open: open, depth: item.depth + 1))
                if s.nodes.count > options.maximumSubBoxes {
                    s.stop = .unknown("more than \(InputLimits.grouped(options.maximumSubBoxes)) sub-boxes")
                }
            }
            s.nodes[item.id] = node
        }
    }

    /// Bounds the open cases on the node; tries counterexamples where one
    /// stays open; picks the cut.
    private func process(_ item: Pending) -> (Node, GroupSearch.Outcome?, Children?) {
        if let deadline, ContinuousClock.now >= deadline { return (Node(), .unknown("timeout"), nil) }
        if let backward { return processBackward(item, backward) }
        var node = Node()
        var closingLeaf: BackwardBound.Leaf?
        let d = item.box.dimension
        guard let (forms, freshNeurons) = bounder.forms(over: item.box, pieces: item.pieces) else {
            return split(item, node, influence: nil)
        }
        // How much each symbol widens the open cases' combinations: inputs first, then fresh symbols.
        var influence = [Double](repeating: 0, count: forms.symbolCount)
        for k in item.open {
            let constraints = property.cases[k].constraints
            let search = CombinationSearch(forms, constraints: constraints)
            if item.id == 0 { root.withLock { $0[k] = search.bestBound } }
            let lambda = search.best.flatMap(GroupSearch.positiveMultipliers)
            if let multipliers = lambda, search.bestBound > 0 {
                if let bound = OutputForms.combinationLowerBound(forms, constraints: constraints, multipliers: multipliers), bound.sign > 0 {
                    node.closed[k] = PropertyCertificate.LeafProof(multipliers: multipliers)
                    continue
                }
            }
            // The forms failed: back-substitution, tighter and dearer, may still close the case.
            if let closing {
                if closingLeaf == nil { closingLeaf = closing.leaf(item.box, pieces: item.pieces) }
                if let leaf = closingLeaf {
                    let multipliers = lambda ?? BoundCertificate(indices: [0], values: [1])
                    var tighter = RelaxationSearch(closing, leaf: leaf, constraints: constraints, multipliers: multipliers)
                    tighter.run(iterations: 20)
                    if item.id == 0 { root.withLock { $0[k] = Swift.max($0[k] ?? -.infinity, tighter.bestBound) } }
                    if tighter.bestBound > 0 {
                        node.closed[k] = PropertyCertificate.LeafProof(multipliers: multipliers, relaxation: tighter.relaxation)
                        continue
                    }
                }
            }
            // Still open: the corner minimising the combination, and the centre.
            let direction = search.symbolDirection()
            let corner = item.box.lower.indices.map { direction[$0] > 0 ? item.box.lower[$0] : item.box.upper[$0] }
            let centre = item.box.lower.indices.map { (item.box.lower[$0] + item.box.upper[$0]).timesPowerOfTwo(-1) }
            for x in [corner, centre] where violates(k, x) { return (node, .violated(k, x), nil) }
            for t in influence.indices { influence[t] += Swift.abs(direction[t]) }
        }
        if node.closed.count == item.open.count { return (node, nil, nil) }
        // Halving input i removes about half its symbol's share; splitting a neuron removes its fresh symbol's.
        for i in 0..<d { influence[i] /= 2 }
        var scores: [(entry: Int, score: Double)] = (0..<d).filter { item.box.lower[$0] < item.box.upper[$0] }.map { ($0, influence[$0]) }
        if options.neuronSplits ?? (d > PropertyVerifier.fewInputs) {
            for (t, n) in freshNeurons.enumerated() where splittable[n] != nil { scores.append((d + n, influence[d + t])) }
        }
        return split(item, node, choice: scores.max { $0.score < $1.score }?.entry)
    }

    /// `process` by back-substitution: per open case, slopes and multipliers
    /// are searched (`RelaxationSearch`) for each single constraint and for
    /// their sum; the corner the bound is attained at and the centre are
    /// tried as counterexamples; the neuron whose relaxation loses most at
    /// that corner is split, or when none is free, the input whose
    /// coefficient times width is largest is halved.
    private func processBackward(_ item: Pending, _ backward: BackwardBound) -> (Node, GroupSearch.Outcome?, Children?) {
        var node = Node()
        let d = item.box.dimension
        guard let leaf = backward.leaf(item.box, pieces: item.pieces) else { return split(item, node, influence: nil) }
        var neuronScores: [Int: Double] = [:]
        var inputScores = [Double](repeating: 0, count: d)
        for k in item.open {
            let constraints = property.cases[k].constraints
            let m = constraints.count
            // Each constraint alone, then (with several) their sum.
            let candidates = (0..<m).map { BoundCertificate(indices: [$0], values: [1]) }
                + (m > 1 ? [BoundCertificate(indices: Array(0..<m), values: Array(repeating: 1, count: m))] : [])
            var best: RelaxationSearch?
            for multipliers in candidates {
                var search = RelaxationSearch(backward, leaf: leaf, constraints: constraints, multipliers: multipliers)
                search.run(iterations: item.id == 0 ? 100 : 30)
                if search.bestBound > (best?.bestBound ?? -.infinity) { best = search }
                if search.bestBound > 0 { break }
            }
            guard let search = best else { continue }
            if item.id == 0 { root.withLock { $0[k] = search.bestBound } }
            if search.bestBound > 0 {
                node.closed[k] = PropertyCertificate.LeafProof(multipliers: search.multipliers, relaxation: search.relaxation)
                continue
            }
            let coefficients = search.inputCoefficients
            let corner = item.box.lower.indices.map { coefficients.isEmpty || coefficients[$0] > 0 ? item.box.lower[$0] : item.box.upper[$0] }
            let centre = item.box.lower.indices.map { (item.box.lower[$0] + item.box.upper[$0]).timesPowerOfTwo(-1) }
            for x in [corner, centre] where violates(k, x) { return (node, .violated(k, x), nil) }
            for (n, score) in search.splitScores() where splittable[n] != nil { neuronScores[n, default: 0] += score }
            for i in coefficients.indices { inputScores[i] += Swift.abs(coefficients[i]) * (item.box.upper[i] - item.box.lower[i]).nearestDouble / 2 }
        }
        if node.closed.count == item.open.count { return (node, nil, nil) }
        if neuronSplits, let neuron = neuronScores.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }) {
            return split(item, node, choice: d + neuron.key)
        }
        let input = (0..<d).filter { item.box.lower[$0] < item.box.upper[$0] }.max { inputScores[$0] < inputScores[$1] }
        return split(item, node, choice: input)
    }

    private func split(_ item: Pending, _ node: Node, influence: [Double]?) -> (Node, GroupSearch.Outcome?, Children?) {
        // No forms: halve the widest side.
        let box = item.box
        let widest = box.lower.indices.filter { box.lower[$0] < box.upper[$0] }.max { box.upper[$0] - box.lower[$0] < box.upper[$1] - box.lower[$1] }
        return split(item, node, choice: widest)
    }

    private func split(_ item: Pending, _ node: Node, choice: Int?) -> (Node, GroupSearch.Outcome?, Children?) {
        guard item.depth < options.maximumDepth else { return (node, .unknown("a branch needed more than \(options.maximumDepth) splits"), nil) }
        guard let entry = choice else { return (node, .unknown("a sub-box that cannot be divided further stays open"), nil) }
        var node = node
        node.cut = (entry, -1, -1)
        let d = item.box.dimension
        if entry < d {
            guard let (low, high) = SubBoxTree.halves(of: item.box, across: entry) else {
                return (node, .unknown("a sub-box that cannot be divided further stays open"), nil)
            }
            return (node, nil, (entry, (low, item.pieces), (high, item.pieces)))
        }
        var lower = item.pieces, upper = item.pieces
        lower[entry - d] = false
        upper[entry - d] = true
        return (node, nil, (entry, (item.box, lower), (item.box, upper)))
    }

    /// The positive entries of float multipliers, exactly; nil when none is positive.
    static func positiveMultipliers(_ lambda: [Double]) -> BoundCertificate? {
        let used = lambda.indices.filter { lambda[$0] > 0 }
        return used.isEmpty ? nil : BoundCertificate(indices: used, values: used.map { Rational(exactly: lambda[$0])! })
    }

    /// Whether `x` provably violates case `k` (float screen, then the checker's exact test).
    private func violates(_ k: Int, _ x: [Rational]) -> Bool {
        let y = bounder.network.logits(x.map(\.nearestDouble))
        for c in property.cases[k].constraints {
            let slack = c.coefficients.reduce(-c.bound.nearestDouble) { $0 + $1.value.nearestDouble * y[$1.output] }
            if slack > 1e-9 * max(1, Swift.abs(c.bound.nearestDouble)) { return false }
        }
        return PropertyChecker.violates(bounder.network, case: property.cases[k], at: x)
    }

    /// Case `k`'s tree: preorder from the root, a leaf where the case was closed.
    private func proof(of k: Int, in nodes: [Node]) -> PropertyCertificate.CaseProof {
        var entries: [Int] = [], leaves: [PropertyCertificate.LeafProof] = []
        var pending = [0]
        while let id = pending.popLast() {
            let node = nodes[id]
            if let leaf = node.closed[k] {
                entries.append(-1)
                leaves.append(leaf)
            } else {
                let cut = node.cut!
                entries.append(cut.coordinate)
                pending.append(cut.high)
                pending.append(cut.low)
            }
        }
        return PropertyCertificate.CaseProof(splitTree: PropertySplitTree(nodes: entries), leaves: leaves)
    }
}

/// Multipliers `λ ≥ 0`, `Σλ = 1`, maximising the forms' lower bound on
/// `Σ λ_i (a_i·y − b_i)`, in floating point (search only: the bound that
/// counts is recomputed rigorously).
private struct CombinationSearch {
    /// Per constraint: centre, coefficients over the symbols, residual.
    let centres: [Double]
    let coefficients: [[Double]]
    let residuals: [Double]
    private(set) var best: [Double]?
    private(set) var bestBound = -Double.infinity

    init(_ forms: AffineForms, constraints: [VNNLIBProperty.OutputConstraint]) {
        let t = forms.symbolCount
        var centres: [Double] = [], coefficients: [[Double]] = [], residuals: [Double] = []
        forms.coefficients.withUnsafeBufferPointer { a in
            for c in constraints {
                var centre = -c.bound.nearestDouble, residual = 0.0
                var row = [Double](repeating: 0, count: t)
                for (j, value) in c.coefficients {
                    let w = value.nearestDouble
                    centre += w * forms.centers[j]
                    residual += Swift.abs(w) * forms.residuals[j]
                    for s in 0..<t { row[s] += w * a[j * t + s] }
                }
                centres.append(centre)
                coefficients.append(row)
                residuals.append(residual)
            }
        }
        self.centres = centres
        self.coefficients = coefficients
        self.residuals = residuals
        guard !constraints.isEmpty else { return }
        let m = constraints.count
        for i in 0..<m {
            var vertex = [Double](repeating: 0, count: m)
            vertex[i] = 1
            consider(vertex)
        }
        guard m > 1, bestBound <= 0 else { return }
        // Projected subgradient ascent from the centre of the simplex.
        var lambda = [Double](repeating: 1 / Double(m), count: m)
        let scale = max(1e-12, centres.map(Swift.abs).max()!)
        for iteration in 0..<60 {
            consider(lambda)
            let gradient = subgradient(lambda)
            let norm = max(1e-300, gradient.map { $0 * $0 }.reduce(0, +).squareRoot())
            let step = 0.5 / Double(iteration + 1) * scale / norm
            lambda = Self.projectOntoSimplex(zip(lambda, gradient).map { $0 + step * $1 / scale })
        }
    }

    /// `Σλc − Σ_t |Σ λ a_t| − Σ λ r`.
    func bound(_ lambda: [Double]) -> Double {
        var value = 0.0
        for i in lambda.indices where lambda[i] != 0 { value += lambda[i] * (centres[i] - residuals[i]) }
        for s in coefficients[0].indices {
            var sum = 0.0
            for i in lambda.indices where lambda[i] != 0 { sum += lambda[i] * coefficients[i][s] }
            value -= Swift.abs(sum)
        }
        return value
    }

    private func subgradient(_ lambda: [Double]) -> [Double] {
        var signs = [Double](repeating: 0, count: coefficients[0].count)
        for s in signs.indices {
            var sum = 0.0
            for i in lambda.indices { sum += lambda[i] * coefficients[i][s] }
            signs[s] = sum > 0 ? 1 : (sum < 0 ? -1 : 0)
        }
        return lambda.indices.map { i in
            centres[i] - residuals[i] - zip(signs, coefficients[i]).reduce(0) { $0 + $1.0 * $1.1 }
        }
    }

    private mutating func consider(_ lambda: [Double]) {
        let value = bound(lambda)
        if value > bestBound {
            bestBound = value
            best = lambda
        }
    }

    /// Per symbol, the best combination's coefficient (for an input's
    /// symbol: positive means the input's lower end lowers the combination).
    func symbolDirection() -> [Double] {
        let lambda = best ?? []
        let t = coefficients.first?.count ?? 0
        return (0..<t).map { s in
            var sum = 0.0
            for i in lambda.indices { sum += lambda[i] * coefficients[i][s] }
            return sum
        }
    }

    /// The Euclidean projection onto `{λ ≥ 0, Σλ = 1}`.
    static func projectOntoSimplex(_ v: [Double]) -> [Double] {
        let sorted = v.sorted(by: >)
        var sum = 0.0, theta = 0.0
        for (k, x) in sorted.enumerated() {
            sum += x
            let t = (sum - 1) / Double(k + 1)
            if x - t > 0 { theta = t }
        }
        return v.map { max(0, $0 - theta) }
    }
}
