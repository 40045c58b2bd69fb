import CSignFilter
import ExactArithmetic
import NeuralNetwork

/// The strict sign patterns of points against a fixed list of hyperplanes,
/// for points of one box: each sign is decided in binary32, else in binary64,
/// each against a single error bound per hyperplane precomputed from the box,
/// and exactly where neither bound decides it (proofs/decision-net.md, "Signs
/// over a box").
///
/// Guarantee: `pattern(of: x)` is `DecisionNet.strictSigns(of: x, hyperplanes)`
/// packed, for every `x` — in or out of the box (outside it, or when a
/// coordinate's double exceeds the box's magnitude, every sign is exact).
public struct HyperplaneSigns: Sendable {
    public let hyperplanes: [Hyperplane]
    private let dimension: Int
    /// The doubles nearest the normals, row after row, and nearest the offsets.
    private let normals: [Double]
    private let offsets: [Double]
    /// Per hyperplane, an upper bound on `|fl(â·x̂ + b̂) − (a·x + b)|` for every
    /// point whose doubles satisfy `|x̂_j| ≤ magnitudes[j]`; +∞ when unusable.
    private let errorBounds: [Double]
    /// `max(|lower_j|, |upper_j|)` rounded to the nearest double (round to nearest is
    /// monotone, so it bounds `|x̂_j|` for every `x` in the box).
    private let magnitudes: [Double]
    /// The binary32 filter's data: the floats nearest the normals' and offsets'
    /// doubles, and per hyperplane an upper bound on `|fl32(ã·x̃ + b̃) − (a·x + b)|`
    /// for the same points (`x̃_j` the float nearest `x̂_j`); +∞ when unusable.
    private let normals32: [Float]
    private let offsets32: [Float]
    private let errorBounds32: [Float]

    /// Which kernel computes the filtered values of `patterns(of:)`; the proof
    /// covers each, and the patterns are the same.
    package enum Kernel: Sendable {
        /// Binary32 (eight points per AVX2 register where the processor has
        /// it), then binary64 one sign at a time where binary32 cannot decide.
        case binary32
        /// Binary64, AVX2 and fused multiply-adds where the processor has them.
        case binary64
        /// Binary64 in portable C, for comparing the kernels.
        case portable
    }
    private let kernel: Kernel

    /// What the kernels run on this processor, for benchmark reports.
    package static var nativeKernelName: String {
        climep_filter_uses_avx2() != 0 ? "AVX2 with fused multiply-adds" : "portable C"
    }

    public init(_ hyperplanes: [Hyperplane], over box: InputBox) {
        self.init(hyperplanes, over: box, kernel: .binary32)
    }

    package init(_ hyperplanes: [Hyperplane], over box: InputBox, kernel: Kernel) {
        self.kernel = kernel
        self.hyperplanes = hyperplanes
        let n = box.dimension
        dimension = n
        magnitudes = zip(box.lower, box.upper).map { Swift.max($0.magnitude, $1.magnitude).nearestDouble }
        var normals: [Double] = [], offsets: [Double] = [], errorBounds: [Double] = []
        normals.reserveCapacity(hyperplanes.count * n)
        let gamma = DirectedDouble.gamma(n + 2), eta = DirectedDouble.underflow
        let magnitudes = self.magnitudes, finiteBox = magnitudes.allSatisfy(\.isFinite)
        // The binary32 filter (proofs/decision-net.md, "Signs over a box", binary32): floats
        // `ã_j`, `b̃` nearest the doubles, `α'_j = α_j + |â_j − ã_j|`, `β'` likewise, floats
        // `X'_j ≥ X_j`, `ξ_j = u X_j + η/2 + u' X'_j + η'/2 ≥ |x_j − x̃_j|`, and
        // B' = γ'_{n+2} M' + (n + 1)η' + Σ|ã_j| ξ_j + Σ α'_j (X'_j + ξ_j) + β', M' = Σ|ã_j| X'_j + |b̃|,
        // every operation rounded up, then up to a float.
        var normals32: [Float] = [], offsets32: [Float] = [], errorBounds32: [Float] = []
        normals32.reserveCapacity(hyperplanes.count * n)
        let u = DirectedDouble.unitRoundoff, u32 = 0x1p-24, eta32 = Double(Float.leastNonzeroMagnitude)
        let steps = Double(n + 2)  // γ'_{n+2} = (n+2)u' / (1 − (n+2)u'): both exact in binary64, one rounding
        let gamma32 = steps * u32 < 0.5 ? (steps * u32 / (1 - steps * u32)).nextUp : .infinity
        let reach32 = magnitudes.map { Double(Self.floatUp($0)) }
        let xi = zip(magnitudes, reach32).map { x, x32 in
            DirectedDouble.addUp(DirectedDouble.addUp(DirectedDouble.multiplyUp(u, x), eta),
                                 DirectedDouble.addUp(DirectedDouble.multiplyUp(u32, x32), eta32))
        }
        let finiteBox32 = finiteBox && reach32.allSatisfy(\.isFinite) && xi.allSatisfy(\.isFinite)
        for h in hyperplanes {
            precondition(h.normal.count == n, "a hyperplane of another dimension than the box")
            let (normal, normalErrors) = nearestDoubles(h.normal)
            let (offset, offsetError) = nearestDoubles([h.offset])
            normals += normal
            offsets.append(offset[0])
            // B = γ_{n+2} M + (n + 1)η + (Σ|â_j|)η + Σ α_j (2X_j + η) + β, with
            // M = Σ |â_j| X_j + |b̂|, every operation rounded up.
            var mass = Swift.abs(offset[0]), normalMass = 0.0, conversion = offsetError[0]
            for j in 0..<n {
                let a = Swift.abs(normal[j])
                mass = DirectedDouble.addUp(mass, DirectedDouble.multiplyUp(a, magnitudes[j]))
                normalMass = DirectedDouble.addUp(normalMass, a)
                let reach = DirectedDouble.addUp(DirectedDouble.multiplyUp(2, magnitudes[j]), eta)
                conversion = DirectedDouble.addUp(conversion, DirectedDouble.multiplyUp(normalErrors[j], reach))
            }
            var bound = DirectedDouble.addUp(DirectedDouble.multiplyUp(gamma, mass), conversion)
            bound = DirectedDouble.addUp(bound, DirectedDouble.multiplyUp(Double(n + 1), eta))
            bound = DirectedDouble.addUp(bound, DirectedDouble.multiplyUp(normalMass, eta))
            errorBounds.append(bound.isFinite && finiteBox ? bound : .infinity)

            let offset32 = Float(offset[0])
            var mass32 = Swift.abs(Double(offset32)), error32 = DirectedDouble.addUp(
                offsetError[0], DirectedDouble.distanceUp(offset[0], Double(offset32)))
            for j in 0..<n {
                let a32 = Float(normal[j])
                normals32.append(a32)
                let a = Swift.abs(Double(a32))
                let alpha = DirectedDouble.addUp(normalErrors[j], DirectedDouble.distanceUp(normal[j], Double(a32)))
                mass32 = DirectedDouble.addUp(mass32, DirectedDouble.multiplyUp(a, reach32[j]))
                error32 = DirectedDouble.addUp(error32, DirectedDouble.multiplyUp(a, xi[j]))
                error32 = DirectedDouble.addUp(error32, DirectedDouble.multiplyUp(alpha, DirectedDouble.addUp(reach32[j], xi[j])))
            }
            offsets32.append(offset32)
            var bound32 = DirectedDouble.addUp(DirectedDouble.multiplyUp(gamma32, mass32), error32)
            bound32 = DirectedDouble.addUp(bound32, DirectedDouble.multiplyUp(Double(n + 1), eta32))
            // No binary32 value can overflow while M' (1 + γ') stays below the largest float.
            let usable32 = finiteBox32 && bound32.isFinite && mass32 <= Double(Float.greatestFiniteMagnitude) / 2
            errorBounds32.append(usable32 ? Self.floatUp(bound32) : .infinity)
        }
        self.normals32 = normals32
        self.offsets32 = offsets32
        self.errorBounds32 = errorBounds32
        self.normals = normals
        self.offsets = offsets
        self.errorBounds = errorBounds
    }

    /// The float `≥ x` nearest it.
    private static func floatUp(_ x: Double) -> Float {
        let f = Float(x)
        return Double(f) < x ? f.nextUp : f
    }

    /// The strict sign of every hyperplane at `x` (bit set: positive side), or
    /// nil when `x` lies on one.
    public func pattern(of x: [Rational]) -> SignPattern? {
        precondition(x.count == dimension, "a point of another dimension than the box")
        let point = x.map(\.nearestDouble)
        let filtered = zip(point, magnitudes).allSatisfy { Swift.abs($0) <= $1 }
        var words = [UInt64](repeating: 0, count: (hyperplanes.count + 63) / 64)
        for k in hyperplanes.indices {
            let positive: Bool
            if filtered, let decided = filteredSign(k, at: point) {
                positive = decided
            } else {
                let s = (dot(hyperplanes[k].normal, x) + hyperplanes[k].offset).sign
                if s == 0 { return nil }
                positive = s > 0
            }
            if positive { words[k >> 6] |= 1 << UInt64(k & 63) }
        }
        return SignPattern(words: words, count: hyperplanes.count)
    }

    /// `pattern(of:)` of every point, the same patterns, computed on every core
    /// eight points at a time: the work is points × hyperplanes × inputs, which for tens of
    /// thousands of each is most of a DecisionNet's cost. (Tiling the
    /// hyperplanes to keep them in cache for many blocks measured no faster:
    /// the arithmetic, not memory, is the limit.)
    public func patterns(of points: [[Rational]]) -> [SignPattern?] {
        inBlocks(of: points) { $0.patterns() }
    }

    /// `pattern(of:)`'s fingerprint for every point (nil where the pattern is
    /// nil), without keeping the patterns: equal patterns have equal
    /// fingerprints, so points with different fingerprints have different
    /// patterns, and only points whose fingerprints coincide need their
    /// patterns compared (`pattern(of:)`). A table of tens of thousands of
    /// witnesses against as many hyperplanes checks its cells are distinct
    /// this way in kilobytes instead of a gigabyte of patterns.
    public func fingerprints(of points: [[Rational]]) -> [PatternFingerprint?] {
        inBlocks(of: points) { $0.fingerprints() }
    }

    /// `result` of every block of eight points, decided on every core, joined in order.
    private func inBlocks<T: Sendable>(of points: [[Rational]], _ result: @Sendable (LaneBlock) -> [T]) -> [T] {
        let blocks = stride(from: 0, to: points.count, by: 8).map { Array(points[$0..<Swift.min($0 + 8, points.count)]) }
        return Array(blocks.parallelMap { points in
            var block = LaneBlock(points, magnitudes: magnitudes, planes: hyperplanes.count)
            block.decide(of: self)
            return result(block)
        }.joined())
    }

    /// Up to eight points in SIMD lanes, and their signs found so far.
    private struct LaneBlock {
        let points: [[Rational]]
        /// Each point's doubles `x̂`.
        let doubles: [[Double]]
        /// Lanes the filters may decide (bit p: lane p): present, and within the box's magnitudes.
        let usable: UInt8
        let present: UInt8
        /// Per hyperplane, one byte: bit p set when point p is on its positive side.
        var laneBits: [UInt8]
        var onPlane: UInt8 = 0

        init(_ points: [[Rational]], magnitudes: [Double], planes: Int) {
            let n = magnitudes.count, m = points.count
            self.points = points
            let doubles = points.map { x in
                precondition(x.count == n, "a point of another dimension than the box")
                return x.map(\.nearestDouble)
            }
            // Points whose doubles lie outside the box's magnitudes get every sign exactly.
            let filtered = doubles.map { zip($0, magnitudes).allSatisfy { Swift.abs($0) <= $1 } }
            self.doubles = doubles
            usable = (0..<m).reduce(0) { bits, p in filtered[p] ? bits | 1 << p : bits }
            present = m == 8 ? 0xFF : UInt8((1 << m) - 1)
            laneBits = [UInt8](repeating: 0, count: planes)
        }

        /// Every hyperplane's sign in every lane: filtered in C (`climep_filter_signs8_f32`
        /// or `climep_filter_signs8`: the eight dot products share each load of a normal),
        /// after binary32 in binary64 one sign at a time, exact where the filters leave it open.
        mutating func decide(of signs: HyperplaneSigns) {
            switch signs.kernel {
            case .binary32:
                let negative = filter(climep_filter_signs8_f32, signs.normals32, signs.offsets32, signs.errorBounds32, columns { Float($0) })
                settle(of: signs, negative: negative, binary64: true)
            case .binary64:
                settle(of: signs, negative: filter(climep_filter_signs8, signs.normals, signs.offsets, signs.errorBounds, columns { $0 }), binary64: false)
            case .portable:
                settle(of: signs, negative: filter(climep_filter_signs8_portable, signs.normals, signs.offsets, signs.errorBounds, columns { $0 }), binary64: false)
            }
        }

        /// The usable lanes' coordinates as the kernels take them: point p's coordinate j,
        /// converted, at `8 j + p` (0 for a missing or unusable lane).
        private func columns<T: Numeric>(_ convert: (Double) -> T) -> [T] {
            let n = doubles.first?.count ?? 0
            var columns = [T](repeating: 0, count: 8 * n)
            for p in doubles.indices where usable & (1 << p) != 0 {
                for j in 0..<n { columns[8 * j + p] = convert(doubles[p][j]) }
            }
            return columns
        }

        /// Runs a C kernel on this block: its positive bits into `laneBits`, its negative bits returned.
        private mutating func filter<T>(
            _ kernel: (Int, Int, UnsafePointer<T>?, UnsafePointer<T>?, UnsafePointer<T>?, UnsafePointer<T>?,
                       UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<UInt8>?) -> Void,
            _ normals: [T], _ offsets: [T], _ bounds: [T], _ columns: [T]
        ) -> [UInt8] {
            var negative = [UInt8](repeating: 0, count: laneBits.count)
            normals.withUnsafeBufferPointer { normals in
                offsets.withUnsafeBufferPointer { offsets in
                    bounds.withUnsafeBufferPointer { bounds in
                        columns.withUnsafeBufferPointer { columns in
                            laneBits.withUnsafeMutableBufferPointer { positive in
                                negative.withUnsafeMutableBufferPointer { negative in
                                    kernel(offsets.count, columns.count / 8, normals.baseAddress, offsets.baseAddress, bounds.baseAddress,
                                           columns.baseAddress, positive.baseAddress, negative.baseAddress)
                                }
                            }
                        }
                    }
                }
            }
            return negative
        }

        /// With `laneBits` and `negative` holding what the kernel decided: every
        /// other sign of a usable lane in binary64 (`filteredSign`) when
        /// `binary64`, and what is still open exactly.
        private mutating func settle(of signs: HyperplaneSigns, negative: [UInt8], binary64: Bool) {
            let planes = laneBits.count
            // Eight hyperplanes at a time where the kernel decided all their signs (the common
            // case): their eight bytes at once, each byte's lanes masked alike.
            let spread: UInt64 = 0x0101_0101_0101_0101, usable8 = UInt64(usable) &* spread
            var onPlane = self.onPlane
            var start = 0
            while start < planes {
                if start + 8 <= planes {
                    let open = UInt64(present & ~onPlane) &* spread
                    let decided = laneBits.withUnsafeMutableBytes { positive in
                        negative.withUnsafeBytes { negative in
                            let pos = positive.loadUnaligned(fromByteOffset: start, as: UInt64.self) & usable8
                            let neg = negative.loadUnaligned(fromByteOffset: start, as: UInt64.self) & usable8
                            guard open & ~(pos | neg) == 0 else { return false }
                            positive.storeBytes(of: pos, toByteOffset: start, as: UInt64.self)
                            return true
                        }
                    }
                    if decided {
                        start += 8
                        continue
                    }
                }
                // One at a time: binary64 where asked, exactly where still open.
                for k in start..<Swift.min(start + 8, planes) {
                    var positive = laneBits[k] & usable
                    var undecided = present & ~(positive | (negative[k] & usable)) & ~onPlane
                    if undecided != 0 && binary64 {
                        for p in 0..<points.count where undecided & usable & (1 << p) != 0 {
                            guard let sign = signs.filteredSign(k, at: doubles[p]) else { continue }
                            undecided &= ~(1 << p)
                            if sign { positive |= 1 << p }
                        }
                    }
                    if undecided != 0 {
                        // What the filters leave open: exactly.
                        let h = signs.hyperplanes[k]
                        for p in 0..<points.count where undecided & (1 << p) != 0 {
                            let s = (dot(h.normal, points[p]) + h.offset).sign
                            if s == 0 { onPlane |= 1 << p } else if s > 0 { positive |= 1 << p }
                        }
                    }
                    laneBits[k] = positive
                }
                start += 8
            }
            self.onPlane = onPlane
        }

        /// The patterns' words in order, all eight lanes at once: lane p of word w
        /// holds hyperplanes 64w ..< 64w + 64 of point p (bit t of it is bit p of
        /// hyperplane 64w + t's byte).
        private func forEachWord(_ body: (SIMD8<UInt64>) -> Void) {
            let planes = laneBits.count, width = (planes + 63) / 64
            let bytes = SIMD8<UInt64>(0, 8, 16, 24, 32, 40, 48, 56)
            laneBits.withUnsafeBytes { lane in
                for w in 0..<width {
                    var word = SIMD8<UInt64>(repeating: 0)
                    // Eight hyperplanes' bytes (byte t, bit p: hyperplane 8g + t, lane p) transposed
                    // to byte p, bit t: lane p's bits 8g ..< 8g + 8 of this word.
                    for g in 0..<8 {
                        let first = 64 * w + 8 * g
                        guard first < planes else { break }
                        var group: UInt64 = 0
                        if first + 8 <= planes {
                            group = lane.loadUnaligned(fromByteOffset: first, as: UInt64.self)
                        } else {
                            for t in 0..<(planes - first) { group |= UInt64(lane[first + t]) << UInt64(8 * t) }
                        }
                        word |= ((SIMD8(repeating: Self.transposed(group)) &>> bytes) & 0xFF) &<< UInt64(8 * g)
                    }
                    body(word)
                }
            }
        }

        /// The 8 × 8 bit matrix in `x` (bit `8r + c` is row r, column c) transposed:
        /// bit `8c + r` of the result is bit `8r + c` of `x` (three rounds of swaps).
        @inline(__always)
        static func transposed(_ x: UInt64) -> UInt64 {
            var x = x
            var t = (x ^ (x >> 7)) & 0x00AA_00AA_00AA_00AA
            x = x ^ t ^ (t << 7)
            t = (x ^ (x >> 14)) & 0x0000_CCCC_0000_CCCC
            x = x ^ t ^ (t << 14)
            t = (x ^ (x >> 28)) & 0x0000_0000_F0F0_F0F0
            return x ^ t ^ (t << 28)
        }

        /// One pattern per point (nil on a hyperplane), 64 hyperplanes to a word.
        func patterns() -> [SignPattern?] {
            var words = [[UInt64]](repeating: [], count: points.count)
            forEachWord { word in
                for p in points.indices { words[p].append(word[p]) }
            }
            return points.indices.map { p in onPlane & (1 << p) == 0 ? SignPattern(words: words[p], count: laneBits.count) : nil }
        }

        /// One pattern fingerprint per point (nil on a hyperplane): the words
        /// folded into two 64-bit hashes with different constants.
        func fingerprints() -> [PatternFingerprint?] {
            var first = SIMD8<UInt64>(repeating: 0x9E37_79B9_7F4A_7C15), second = SIMD8<UInt64>(repeating: 0xC2B2_AE3D_27D4_EB4F)
            forEachWord { word in
                first = Self.mix(first ^ word, 0xBF58_476D_1CE4_E5B9)
                second = Self.mix(second &+ word, 0x94D0_49BB_1331_11EB)
            }
            return points.indices.map { p in
                onPlane & (1 << p) == 0 ? PatternFingerprint(first: first[p], second: second[p], count: laneBits.count) : nil
            }
        }

        /// A multiply and xor-shift mix in every lane (SplitMix64's finaliser).
        @inline(__always)
        private static func mix(_ x: SIMD8<UInt64>, _ multiplier: UInt64) -> SIMD8<UInt64> {
            let y = (x ^ (x &>> 31)) &* SIMD8(repeating: multiplier)
            return y ^ (y &>> 29)
        }
    }

    /// Hyperplane `k`'s sign (true: positive) where binary64 proves it, nil
    /// where it cannot; `point` holds the doubles nearest `x`, each within the
    /// box's magnitudes.
    @inline(__always)
    func filteredSign(_ k: Int, at point: [Double]) -> Bool? {
        let n = dimension
        let value = normals.withUnsafeBufferPointer { normals in
            point.withUnsafeBufferPointer { Self.value(normals.baseAddress! + k * n, $0, n) }
        } + offsets[k]
        if value > errorBounds[k] { return true }
        if value < -errorBounds[k] { return false }
        return nil
    }

    /// `Σ a_j x_j` in binary64 with four partial sums (the error bound holds for
    /// any order of summation), so the additions overlap.
    @inline(__always)
    private static func value(_ a: UnsafePointer<Double>, _ x: UnsafeBufferPointer<Double>, _ n: Int) -> Double {
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        var j = 0
        while j + 4 <= n {
            s0 += a[j] * x[j]; s1 += a[j + 1] * x[j + 1]; s2 += a[j + 2] * x[j + 2]; s3 += a[j + 3] * x[j + 3]
            j += 4
        }
        while j < n { s0 += a[j] * x[j]; j += 1 }
        return (s0 + s1) + (s2 + s3)
    }
}

/// A fixed-size function of a `SignPattern` (`HyperplaneSigns.fingerprints(of:)`):
/// equal patterns give equal fingerprints. Not the converse: equal
/// fingerprints say only that the patterns must be compared.
public struct PatternFingerprint: Hashable, Sendable {
    let first: UInt64
    let second: UInt64
    let count: Int
}

/// A strict sign pattern over `count` hyperplanes as bits: bit `k` (word
/// `k / 64`, bit `k % 64`) is set when the point is on the positive side of
/// hyperplane `k`; a lookup hashes a few words instead of one `Bool` per hyperplane.
public struct SignPattern: Hashable, Sendable {
    public let words: [UInt64]
    public let count: Int

    public init(words: [UInt64], count: Int) {
        precondition(words.count == (count + 63) / 64, "a pattern's words do not match its count")
        self.words = words
        self.count = count
    }

    public init(_ signs: [Bool]) {
        var words = [UInt64](repeating: 0, count: (signs.count + 63) / 64)
        for (k, positive) in signs.enumerated() where positive { words[k >> 6] |= 1 << UInt64(k & 63) }
        self.init(words: words, count: signs.count)
    }

    /// Whether the point is on the positive side of hyperplane `k`.
    public subscript(k: Int) -> Bool { (words[k >> 6] >> UInt64(k & 63)) & 1 == 1 }

    /// One `Bool` per hyperplane.
    public var signs: [Bool] { (0..<count).map { self[$0] } }
}
