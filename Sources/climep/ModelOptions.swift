import ArgumentParser
import NeuralNetwork

/// The model argument shared by every command that reads a model.
struct ModelArgument: ParsableArguments {
    @Argument(help: ArgumentHelp("The model: an .onnx file or a climep JSON model.", valueName: "MODEL"))
    var path: String

    func load() throws(InputError) -> Network { try Network(contentsOf: path) }
}

/// `--box` or `--vnnlib`: the input box, read exactly.
struct BoxOptions: ParsableArguments {
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(
        "The input box: LO:HI for every input, or LO1:HI1,LO2:HI2,... (decimals or fractions, read exactly).",
        valueName: "B"))
    var box: String?

    @Option(name: .long, help: ArgumentHelp("Read the input box from a VNN-LIB property's input assertions.", valueName: "PROP.vnnlib"))
    var vnnlib: String?

    /// The box for a model with `dimension` inputs, or nil when neither option is given.
    func box(dimension: Int) throws(InputError) -> InputBox? {
        switch (box, vnnlib) {
        case (nil, nil): return nil
        case (_?, _?): throw InputError("give either --box or --vnnlib, not both")
        case (let text?, nil): return try InputBox(parsing: text, dimension: dimension)
        case (nil, let path?):
            let box = try InputBox(vnnlibFile: path)
            guard box.dimension == dimension else {
                throw InputError("\(path) bounds \(box.dimension) inputs but the model has \(dimension)")
            }
            return box
        }
    }
}
