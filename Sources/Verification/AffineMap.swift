import ExactArithmetic

/// The affine map `x ↦ M x + m` that a layer's outputs follow on a region.
package struct AffineMap: Sendable {
    package var weights: RationalMatrix
    package var bias: [Rational]

    package init(weights: RationalMatrix, bias: [Rational]) {
        self.weights = weights
        self.bias = bias
    }

    /// `W · self + b`: the pre-activations of the next layer as affine maps of x.
    package func composed(with w: RationalMatrix, plus b: [Rational]) -> AffineMap {
        let product = w * weights
        return AffineMap(weights: product, bias: zip(w * bias, b).map { $0 + $1 })
    }
}
