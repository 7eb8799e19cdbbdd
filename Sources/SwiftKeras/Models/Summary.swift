// Model summaries as tf.keras 2 prints them (tf_keras/src/utils/layer_utils.py `print_summary`):
// fixed-width columns (65 characters for sequence-like models, 98 with a "Connected to" column),
// long cells wrapped inside their column, a blank line after each layer, then the totals.

extension Model {
    /// The summary text of tf.keras 2's `model.summary()`: one row per layer with its name and
    /// type, output shape (a tuple; a list of tuples for input layers and layers with several
    /// outputs; "multiple" when unknown, as for the layers of a subclassed model) and parameter
    /// count ("0 (unused)" for a layer a subclassed model never called); models that are not a
    /// chain of single-input nodes get a "Connected to" column. `expandNested` prints nested
    /// models' layers inside a frame below the model's row, `showTrainable` adds a "Trainable"
    /// column ("Y" / "N"). Then total, trainable and non-trainable parameter counts with their
    /// size in memory.
    ///
    /// - Throws: `.invalidArgument` when the model is not built yet (tf.keras 2's "This model
    ///   has not yet been built").
    public func summary(expandNested: Bool = false, showTrainable: Bool = false) throws -> String {
        if !built && graph == nil && (self as? Sequential)?.batchInputShape == nil {
            throw SwiftKerasError(.invalidArgument, "This model has not yet been built. Build the model first by calling `build()` or by calling the model on a batch of data.")
        }
        let connected = !summarySequentialLike
        var lineLength = connected ? 98 : 65
        var positions = (connected ? [0.3, 0.6, 0.7, 1.0] : [0.45, 0.85, 1.0]).map { Int(Double(lineLength) * $0) }
        var header = ["Layer (type)", "Output Shape", "Param #"] + (connected ? ["Connected to"] : [])
        if showTrainable {
            lineLength += 11
            positions.append(lineLength)
            header.append("Trainable")
        }
        var out = ["Model: \"\(name)\"", String(repeating: "_", count: lineLength)]
        summaryRow(header, positions, level: 0, into: &out)
        out.append(String(repeating: "=", count: lineLength))
        appendSummaryLayers(to: &out, level: 0, connected: connected, positions: positions, lineLength: lineLength,
                            expandNested: expandNested, showTrainable: showTrainable)
        out.append(String(repeating: "=", count: lineLength))
        let trainable = trainableWeights, nonTrainable = nonTrainableWeights
        func count(_ vs: [Variable]) -> Int { vs.reduce(0) { $0 + $1.shape.reduce(1, *) } }
        func bytes(_ vs: [Variable]) -> Int { vs.reduce(0) { $0 + $1.shape.reduce(1, *) * $1.dtype.byteSize } }
        let tc = count(trainable), nc = count(nonTrainable)
        let tb = bytes(trainable), nb = bytes(nonTrainable)
        out.append("Total params: \(tc + nc) (\(readableMemorySize(tb + nb)))")
        out.append("Trainable params: \(tc) (\(readableMemorySize(tb)))")
        out.append("Non-trainable params: \(nc) (\(readableMemorySize(nb)))")
        out.append(String(repeating: "_", count: lineLength))
        return out.joined(separator: "\n")
    }

    /// tf.keras 2's test for the short layout: Sequential and subclassed models, and functional
    /// graphs whose every depth holds one node with at most one input and no layer is shared.
    var summarySequentialLike: Bool {
        guard let graph else { return true }
        var perDepth: [Int: Int] = [:]
        for n in graph.nodes {
            if n.inputs.count > 1 { return false }
            perDepth[graph.nodeDepth[ObjectIdentifier(n)] ?? 0, default: 0] += 1
        }
        if perDepth.values.contains(where: { $0 > 1 }) { return false }
        return graph.layers.count == graph.nodes.count
    }

    /// The rows of this model's layers `level` frames deep (tf.keras 2's `print_layer`).
    func appendSummaryLayers(to out: inout [String], level: Int, connected: Bool, positions: [Int], lineLength: Int,
                             expandNested: Bool, showTrainable: Bool) {
        let bar = String(repeating: "|", count: level)
        let shown: [Layer]
        if let graph { shown = graph.layers } else { shown = layers }
        let seqShapes = (self as? Sequential)?.layerOutputShapes()
        for (i, l) in shown.enumerated() {
            var shape = "multiple"
            var connections: [String] = []
            if let graph {
                let nodes = graph.nodes.filter { $0.layer === l }
                let shapes = Set(nodes.map { $0.outputShapes.map(formatSymbolicShape) })
                if shapes.count == 1, let s = shapes.first {
                    shape = s.count == 1 && !(l is InputLayer) ? s[0] : "[" + s.joined(separator: ", ") + "]"
                }
                for n in nodes {
                    connections += n.inputs.map { "'\($0.node.layer.name)[\($0.node.nodeIndex)][\($0.outputIndex)]'" }
                }
            } else if let seqShapes, i < seqShapes.count, let s = seqShapes[i] {
                shape = formatSymbolicShape(s)
            }
            let params = !l.built && graph == nil && !(l is Model) ? "0 (unused)" : String(l.countParams())
            var fields = ["\(l.name) (\(l.summaryClassName))", shape, params]
            if connected { fields.append(level == 0 ? "[" + connections.joined(separator: ", ") + "]" : "[]") }
            if showTrainable { fields.append(l.trainable ? "Y" : "N") }
            summaryRow(fields, positions, level: level, into: &out)
            if expandNested, let m = l as? Model, !m.layers.isEmpty {
                let inner = String(repeating: "|", count: level + 1)
                out.append(inner + String(repeating: "¯", count: lineLength - 2 * level - 2) + inner)
                m.appendSummaryLayers(to: &out, level: level + 1, connected: connected, positions: positions,
                                      lineLength: lineLength, expandNested: true, showTrainable: showTrainable)
                out.append(bar + String(repeating: "¯", count: lineLength - 2 * level) + bar)
                continue   // tf.keras 2 prints no blank line after a nested frame
            }
            if level == 0 || i < shown.count - 1 {
                out.append(bar + String(repeating: " ", count: lineLength - 2 * level) + bar)
            }
        }
    }

    /// One row of fixed-width columns ending at `positions`, each cell cut to its column and
    /// continued on the next lines (broken after "),", "},", "]," or "',"), as tf.keras 2's
    /// `print_row`.
    func summaryRow(_ fields: [String], _ positions: [Int], level: Int, into out: inout [String]) {
        var left = fields.map { Array($0) }
        let last = positions.count - 1
        while left.contains(where: { !$0.isEmpty }) {
            var line: [Character] = []
            for col in 0..<left.count {
                let start = col > 0 ? positions[col - 1] : 0
                let space = col != last ? 2 : 0
                var cutoff = positions[col] - start - space - (col != last ? 1 : 0) - (col == 0 ? level : 0)
                cutoff = Swift.max(0, Swift.min(cutoff, left[col].count))
                let text = left[col][..<cutoff]
                // the end of the first "),", "},", "]," or "'," in the part that fits
                let breaks = text.indices.dropLast().filter { i in text[i + 1] == "," && ")}]'".contains(text[i]) }
                if let b = breaks.first { cutoff = b + 2 }
                if col == 0 { line += Array(String(repeating: "|", count: level) + " ") }
                line += left[col][..<cutoff]
                line += Array(repeating: " ", count: space)
                left[col].removeFirst(cutoff)
                let target = positions[col] - (level > 0 && col == last ? level : 0)
                if line.count < target { line += Array(repeating: " ", count: target - line.count) }
            }
            out.append(String(line) + String(repeating: "|", count: level))
        }
    }

    /// Writes `summary()` through `Model.output`.
    public func printSummary() throws {
        Model.output(try summary())
    }
}

/// A byte count as tf.keras 2 prints it: "18.79 KB", "0.00 Byte" (powers of 1024).
func readableMemorySize(_ bytes: Int) -> String {
    let units = ["Byte", "KB", "MB", "GB", "TB", "PB"]
    var v = Double(bytes)
    var i = 0
    while v >= 1024 && i < units.count - 1 {
        v /= 1024
        i += 1
    }
    return "\(formatFixed(v, digits: 2)) \(units[i])"
}

extension Layer {
    /// The class name a summary shows: a custom layer's own (the `class_name` its config source
    /// gives, e.g. a Python subclass's name; "Layer" when it has none), a built-in layer's type.
    var summaryClassName: String {
        if let source = configSource {
            if let config = try? source(), case .string(let name)? = config["class_name"] { return name }
            return "Layer"
        }
        return String(describing: type(of: self))
    }
}
