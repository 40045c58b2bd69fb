/// Every size limit of climep's readers, in one place.
///
/// A reader checks a size against its limit before it allocates or loops on
/// it, so the work done on any file is proportional to the file's length and
/// bounded by these constants — never driven by a number written inside the
/// file. Errors name the limit they hit, e.g. "input width 2147483648 exceeds
/// the supported 1,000,000" (see `exceeds(_:_:)`).
///
/// The values are far beyond what climep can analyse (exact region
/// enumeration is practical up to a few dozen inputs and thousands of
/// neurons); they exist to turn absurd or hostile sizes into an `InputError`
/// instead of a trap, a hang or an allocation of gigabytes.
public enum InputLimits {
    /// The largest model file read (ONNX or JSON), in bytes: 1 GiB.
    public static let maximumModelBytes = 1 << 30
    /// The largest certificate file read, in bytes: 1 GiB.
    public static let maximumCertificateBytes = 1 << 30
    /// The largest shard file (`certify --shard`) `merge` reads, in bytes: 1 GiB.
    public static let maximumShardBytes = 1 << 30
    /// The largest VNN-LIB property file read, in bytes: 256 MiB.
    public static let maximumVNNLIBBytes = 1 << 28
    /// The largest CSV point file read, in bytes: 1 GiB.
    public static let maximumPointFileBytes = 1 << 30

    /// The most inputs a network may take (its input width).
    public static let maximumInputs = 1_000_000
    /// The most neurons (outputs) one layer may have.
    public static let maximumNeuronsPerLayer = 1_000_000
    /// The most dense layers a network may have.
    public static let maximumLayers = 10_000
    /// The most weights and biases a network may hold in all, and the most
    /// entries one layer's weight matrix may have: 20 million exact values
    /// (about half a gigabyte).
    public static let maximumParameters = 20_000_000
    /// The most elements one ONNX constant tensor may hold: a larger one
    /// cannot be a layer's weights, since it exceeds `maximumParameters`.
    public static let maximumTensorElements = maximumParameters
    /// The most rational multiplications the ONNX importer spends composing
    /// consecutive affine nodes into one layer (a product of an `r × k` and a
    /// `k × c` matrix costs `r·k·c`).
    public static let maximumCompositionWork = 100_000_000

    /// The deepest nesting of arrays and objects in a JSON file (models nest
    /// 4 deep, certificates fewer than 10).
    public static let maximumJSONDepth = 64
    /// The deepest nesting of parentheses in a VNN-LIB file.
    public static let maximumVNNLIBDepth = 200
    /// The most cases (conjunctions) a VNN-LIB property may expand to once
    /// its `and`s of `or`s are multiplied out.
    public static let maximumPropertyCases = 100_000

    /// "`what` `value` exceeds the supported `limit`", with the limit
    /// written with thousands separators; the shape every limit error takes.
    public static func exceeds(_ what: String, _ value: some CustomStringConvertible, _ limit: Int) -> String {
        "\(what) \(value) exceeds the supported \(grouped(limit))"
    }

    /// `1000000` as `1,000,000`.
    public static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (k, c) in digits.enumerated() {
            if k > 0 && (digits.count - k) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return n < 0 ? "-" + out : out
    }
}
