import ExactArithmetic

/// Multipliers `y ≥ 0`, one per halfspace of a polytope, stored by their
/// non-zero entries. What they prove depends on how they are read:
///
/// - lower bound on `c·x + d` over `P`: `c·x + d ≥ min_{x∈X} (c + Aᵀy)·x + d − yᵀb`
///   (`CertificateCheck.certifiedLowerBound`);
/// - upper bound: `c·x + d ≤ max_{x∈X} (c − Aᵀy)·x + d + yᵀb`
///   (`CertificateCheck.certifiedUpperBound`);
/// - empty interior: `y ≠ 0` and `min_{x∈X} yᵀ(Ax − b) ≥ 0`
///   (`CertificateCheck.verifyEmptyInterior`).
///
/// Sparse because a proof's multipliers are: a basic LP solution has at most
/// `d + 1` non-zero ones however many halfspaces the polytope has, and a dense
/// list made a path of `n` cuts cost `n²` numbers (proofs/lp-certificates.md §1).
///
/// Plain data, not checked here: `CertificateCheck` accepts a certificate only
/// when its indices strictly increase, name halfspaces of the polytope and
/// carry positive values. `Codable` as `[[index, "p/q"], …]`; decoding takes
/// only that one spelling (increasing indices, positive values), so equal
/// multipliers are equal bytes. No entries is the plain box (interval) bound.
public struct BoundCertificate: Hashable, Sendable {
    /// Halfspace indices of the stored multipliers.
    public let indices: [Int]
    /// `y_{indices[k]} = values[k]`; every other multiplier is zero.
    public let values: [Rational]

    /// The certificate with these entries (not checked here).
    public init(indices: [Int], values: [Rational]) {
        precondition(indices.count == values.count, "BoundCertificate: one value per index")
        self.indices = indices
        self.values = values
    }

    /// The certificate of a dense list `y` (one multiplier per halfspace):
    /// its non-zero entries, negative ones included (a check then rejects it).
    public init(multipliers y: [Rational]) {
        let used = y.indices.filter { !y[$0].isZero }
        self.init(indices: used, values: used.map { y[$0] })
    }

    /// No multipliers: the box bound.
    public static let box = BoundCertificate(indices: [], values: [])

    /// True when every multiplier is zero.
    public var isBoxBound: Bool { indices.isEmpty }

    /// `y_i` (zero unless stored).
    public subscript(i: Int) -> Rational {
        var low = 0, high = indices.count
        while low < high {
            let mid = (low + high) / 2
            if indices[mid] < i { low = mid + 1 } else { high = mid }
        }
        return low < indices.count && indices[low] == i ? values[low] : .zero
    }

    /// The multipliers as a dense list of `count` (every index must be below it).
    public func dense(count: Int) -> [Rational] {
        var y = [Rational](repeating: .zero, count: count)
        for (i, v) in zip(indices, values) { y[i] = v }
        return y
    }

    /// Every multiplier times `factor`.
    public func scaled(by factor: Rational) -> BoundCertificate {
        factor.isZero ? .box : BoundCertificate(indices: indices, values: values.map { $0 * factor })
    }

    /// The multipliers with `y_index = value` added; `index` must exceed every stored one.
    public func appending(index: Int, value: Rational) -> BoundCertificate {
        precondition(indices.last.map { $0 < index } ?? true, "BoundCertificate: indices must increase")
        return value.isZero ? self : BoundCertificate(indices: indices + [index], values: values + [value])
    }
}

extension BoundCertificate: Codable {
    public init(from decoder: any Decoder) throws {
        let (indices, values) = try IndexedPairs.decode(from: decoder, what: "multiplier") { value in
            value.sign > 0 ? nil : "a stored multiplier must be positive (zeros are left out)"
        }
        self.init(indices: indices, values: values)
    }

    public func encode(to encoder: any Encoder) throws {
        try IndexedPairs.encode(indices, values, to: encoder)
    }
}

/// The one shape of a sparse vector in a certificate: `[[index, value], …]`,
/// indices strictly increasing from 0, every value a rational.
public enum IndexedPairs {
    /// The pairs; `refusal` names what is wrong with a value, nil when it is acceptable.
    public static func decode(
        from decoder: any Decoder, what: String, refusal: (Rational) -> String? = { _ in nil }
    ) throws -> (indices: [Int], values: [Rational]) {
        var list = try decoder.unkeyedContainer()
        var indices: [Int] = [], values: [Rational] = []
        while !list.isAtEnd {
            var pair = try list.nestedUnkeyedContainer()
            let index = try pair.decode(Int.self)
            let value = try pair.decode(Rational.self)
            guard pair.isAtEnd else {
                throw DecodingError.dataCorruptedError(in: pair, debugDescription: "a \(what) is a pair [index, value]")
            }
            guard index >= 0, indices.last.map({ $0 < index }) ?? true else {
                throw DecodingError.dataCorruptedError(in: list, debugDescription: "\(what) indices must strictly increase from 0")
            }
            if let reason = refusal(value) { throw DecodingError.dataCorruptedError(in: list, debugDescription: reason) }
            indices.append(index)
            values.append(value)
        }
        return (indices, values)
    }

    public static func encode(_ indices: [Int], _ values: [Rational], to encoder: any Encoder) throws {
        var list = encoder.unkeyedContainer()
        for (i, v) in zip(indices, values) {
            var pair = list.nestedUnkeyedContainer()
            try pair.encode(i)
            try pair.encode(v)
        }
    }
}
