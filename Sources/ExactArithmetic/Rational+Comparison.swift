import CGMP

extension Rational: Comparable, Hashable {
    public static func == (x: Rational, y: Rational) -> Bool {
        switch (x.storage, y.storage) {
        case (.small(let a, let b), .small(let c, let d)): return a == c && b == d
        case (.big(let p), .big(let q)): return __gmpq_equal(p.q, q.q) != 0
        default: return false  // canonical: a value fits inline or it does not
        }
    }

    public static func < (x: Rational, y: Rational) -> Bool { compare(x, y) < 0 }

    /// −1, 0 or 1 as `x` is less than, equal to or greater than `y`.
    public static func compare(_ x: Rational, _ y: Rational) -> Int {
        if case .small(let a, let b) = x.storage, case .small(let c, let d) = y.storage {
            let l = Int128(a) * Int128(d), r = Int128(c) * Int128(b)
            return l < r ? -1 : (l == r ? 0 : 1)
        }
        let c = x.withMPQ { px in y.withMPQ { py in __gmpq_cmp(px, py) } }
        return c < 0 ? -1 : (c == 0 ? 0 : 1)
    }

    public func hash(into hasher: inout Hasher) {
        switch storage {
        case .small(let n, let d):
            hasher.combine(n)
            hasher.combine(d)
        case .big(let b):
            for z in [UnsafePointer(b.num), UnsafePointer(b.den)] {
                let size = Int(z.pointee._mp_size)
                hasher.combine(size)
                for i in 0..<abs(size) { hasher.combine(z.pointee._mp_d[i]) }
            }
        }
    }
}
