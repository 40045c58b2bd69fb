import Certification
import ExactArithmetic
import FixtureSupport
import Linearization
import Verification
import NeuralNetwork
import Regions
import Testing

func randomNetwork(inputs: Int, hidden: [Int], outputs: Int, activation: Activation, seed: UInt64) throws -> Network {
    var rng = SeededGenerator(state: seed)
    var layers: [DenseLayer] = []
    var width = inputs
    for (k, n) in (hidden + [outputs]).enumerated() {
        let w = (0..<n).map { _ in (0..<width).map { _ in Rational(exactly: Float.random(in: -1.5...1.5, using: &rng))! } }
        let b = (0..<n).map { _ in Rational(exactly: Float.random(in: -0.5...0.5, using: &rng))! }
        layers.append(try DenseLayer(weights: RationalMatrix(rows: w, columns: width), bias: b, activation: k == hidden.count ? .identity : activation))
        width = n
    }
    return try Network(layers: layers)
}

@Suite struct DecisionNetTests {
    /// On a complete enumeration the DecisionNet equals g's exact label at
    /// every point of a dense grid, and most points are answered by the table.
    @Test(arguments: [(Activation.relu, 2, UInt64(1)), (.relu, 3, 2), (.tanh, 2, 3), (.sigmoid, 3, 4)])
    func answersLikeGOnADenseGrid(activation: Activation, classes: Int, seed: UInt64) throws {
        let network = try randomNetwork(inputs: 2, hidden: [6, 5], outputs: classes == 2 ? 1 : classes, activation: activation, seed: seed)
        let g = try LinearizedNetwork(network, pieces: 5, method: .defaultMethod)
        let box = try InputBox(lower: [-2, -2], upper: [2, 2])
        let regions = try RegionEnumeration.complete(g, over: box)
        let dnet = DecisionNet.build(regions, network: g, over: box).net()
        var fromTable = 0, total = 0
        for i in 0...60 {
            for j in 0...60 {
                let x = [Rational(i - 30, 15), Rational(j - 30, 15)]
                let answer = dnet.predict(x)
                #expect(answer.label == Network.label(ofLogits: g.exactLogits(x)), "at \(x)")
                total += 1
                if answer.fromTable { fromTable += 1 }
            }
        }
        #expect(fromTable * 10 >= total * 8, "\(fromTable) of \(total) from the table")
    }

    @Test func compressionFiguresRecount() throws {
        let network = try randomNetwork(inputs: 2, hidden: [8, 8], outputs: 3, activation: .relu, seed: 9)
        let g = try LinearizedNetwork(network, pieces: 3, method: .defaultMethod)
        let box = try InputBox(lower: [-1, -1], upper: [1, 1])
        let regions = try RegionEnumeration.complete(g, over: box)
        let boundary = DecisionBoundary(regions)
        let dnet = DecisionNet.build(regions, network: g, over: box).net()
        // Every boundary piece's hyperplane is one of the net's.
        #expect(Set(boundary.hyperplanes).isSubset(of: Set(dnet.hyperplanes)))
        #expect(dnet.hyperplaneCoefficients == dnet.hyperplanes.count * 3)
        #expect(dnet.tableEntries == dnet.table.count)
        #expect(dnet.parameterCount == dnet.hyperplanes.count * 3 + dnet.table.count)
        #expect(network.parameterCount == (2 * 8 + 8) + (8 * 8 + 8) + (8 * 3 + 3))
        // Every table entry's pattern has one sign per hyperplane.
        #expect(dnet.table.keys.allSatisfy { $0.count == dnet.hyperplanes.count })
    }

    /// The table holds one entry per cell met (cells told apart by fingerprints
    /// when built): recounted with exact strict signs, the entries' cells are
    /// pairwise distinct and hold every region's witness and every training
    /// point off the hyperplanes — many of which share a cell — and the entries
    /// counted as from training are the cells only training points met.
    @Test func oneEntryPerCellMet() throws {
        let network = try randomNetwork(inputs: 2, hidden: [6, 5], outputs: 3, activation: .relu, seed: 11)
        let g = try LinearizedNetwork(network, pieces: 3, method: .defaultMethod)
        let box = try InputBox(lower: [-1, -1], upper: [1, 1])
        let regions = try RegionEnumeration.complete(g, over: box)
        let training = (0..<300).map { k in [Rational((k * 37) % 41 - 20, 20), Rational((k * 53) % 43 - 21, 21)] }
        let construction = DecisionNet.build(regions, network: g, over: box, trainingPoints: training)
        let planes = construction.hyperplanes
        let cells = construction.entries.map { DecisionNet.strictSigns(of: $0.witness, planes) }
        #expect(cells.allSatisfy { $0 != nil })
        #expect(Set(cells.compactMap { $0 }).count == cells.count)
        let regionCells = Set(construction.entries.filter { $0.region != nil }.compactMap { DecisionNet.strictSigns(of: $0.witness, planes) })
        for region in regions.regions {
            #expect(cells.contains(DecisionNet.strictSigns(of: region.witness, planes)))
        }
        let trainingCells = Set(training.compactMap { DecisionNet.strictSigns(of: $0, planes) })
        #expect(trainingCells.isSubset(of: Set(cells.compactMap { $0 })))
        #expect(trainingCells.count < training.count)
        let fromTraining = Set(construction.entries.suffix(construction.trainingEntries).compactMap { DecisionNet.strictSigns(of: $0.witness, planes) })
        #expect(fromTraining.isDisjoint(with: regionCells))
        #expect(construction.trainingEntries == trainingCells.subtracting(Set(cells.prefix(cells.count - construction.trainingEntries).compactMap { $0 })).count)
    }

    @Test func pointsOnAHyperplaneFallBackToG() throws {
        let network = try randomNetwork(inputs: 2, hidden: [4], outputs: 1, activation: .relu, seed: 5)
        let g = try LinearizedNetwork(network, pieces: 3, method: .defaultMethod)
        let box = try InputBox(lower: [-1, -1], upper: [1, 1])
        let regions = try RegionEnumeration.complete(g, over: box)
        let boundary = DecisionBoundary(regions)
        let dnet = DecisionNet.build(regions, network: g, over: box).net()
        for piece in boundary.pieces {
            let answer = dnet.predict(piece.witness)
            #expect(!answer.fromTable)
            #expect(answer.label == Network.label(ofLogits: g.exactLogits(piece.witness)))
        }
    }
}
