// Model summaries in the shape of Keras 3's (keras/src/utils/summary_utils.py): a box table of
// layers with output shapes and parameter counts, then the totals.

extension Model {
    /// A Keras-style summary table (Keras `model.summary()`): one row per layer with its name
    /// and type, output shape ("?" when unknown) and parameter count, and for functional models
    /// that are not a simple chain a "Connected to" column; then total, trainable and
    /// non-trainable parameter counts with their size in memory. `expandNested` adds the rows
    /// of nested models' layers below the model's row (names prefixed "└ " per level);
    /// `showTrainable` adds a "Trainable" column ("Y" / "N", Keras `show_trainable`).
    public func summary(expandNested: Bool = false, showTrainable: Bool = false) -> String {
        var header = ["Layer (type)", "Output Shape", "Param #"]
        var minWidths = [33, 24, 15]
        var rightAligned = [false, false, true]
        let chain = graph.map { graph in
            graph.inputs.count == 1 && graph.outputs.count == 1 &&
                graph.nodes.allSatisfy { $0.inputs.count <= 1 } && graph.layers.count == graph.nodes.count
        } ?? true
        if !chain {
            header.append("Connected to")
            minWidths = [25, 22, 11, 22]
            rightAligned.append(false)
        }
        if showTrainable {
            header.append("Trainable")
            minWidths.append(9)
            rightAligned.append(false)
        }
        var rows: [[String]] = []
        appendSummaryRows(to: &rows, depth: 0, connected: !chain, expandNested: expandNested, showTrainable: showTrainable)

        var widths = minWidths
        for r in rows + [header] {
            for (i, c) in r.enumerated() { widths[i] = Swift.max(widths[i], c.count + 2) }
        }
        func line(_ left: String, _ fill: String, _ mid: String, _ right: String) -> String {
            left + widths.map { String(repeating: fill, count: $0) }.joined(separator: mid) + right
        }
        func cells(_ r: [String], _ bar: String) -> String {
            var parts: [String] = []
            for (i, c) in r.enumerated() {
                let pad = String(repeating: " ", count: Swift.max(0, widths[i] - 2 - c.count))
                parts.append(" " + (rightAligned[i] ? pad + c : c + pad) + " ")
            }
            return bar + parts.joined(separator: bar) + bar
        }

        var out = ["Model: \"\(name)\""]
        out.append(line("┏", "━", "┳", "┓"))
        out.append(cells(header, "┃"))
        out.append(line("┡", "━", "╇", "┩"))
        for (i, r) in rows.enumerated() {
            if i > 0 { out.append(line("├", "─", "┼", "┤")) }
            out.append(cells(r, "│"))
        }
        out.append(line("└", "─", "┴", "┘"))

        let trainable = trainableWeights, nonTrainable = nonTrainableWeights
        func count(_ vs: [Variable]) -> Int { vs.reduce(0) { $0 + $1.shape.reduce(1, *) } }
        func bytes(_ vs: [Variable]) -> Int { vs.reduce(0) { $0 + $1.shape.reduce(1, *) * $1.dtype.byteSize } }
        let tc = count(trainable), nc = count(nonTrainable)
        let tb = bytes(trainable), nb = bytes(nonTrainable)
        out.append(" Total params: \(groupedThousands(tc + nc)) (\(readableMemorySize(tb + nb)))")
        out.append(" Trainable params: \(groupedThousands(tc)) (\(readableMemorySize(tb)))")
        out.append(" Non-trainable params: \(groupedThousands(nc)) (\(readableMemorySize(nb)))")
        return out.joined(separator: "\n")
    }

    /// The summary rows of this model's layers (and, with `expandNested`, of nested models'
    /// layers, `depth` levels down, with empty "Connected to" cells).
    func appendSummaryRows(to rows: inout [[String]], depth: Int, connected: Bool, expandNested: Bool, showTrainable: Bool) {
        func params(_ l: Layer) -> String {
            l.built || l.countParams() > 0 ? groupedThousands(l.countParams()) : "0 (unbuilt)"
        }
        let prefix = String(repeating: "└ ", count: depth)
        func row(_ l: Layer, _ shape: String, _ connections: String) {
            var r = [prefix + "\(l.name) (\(l.summaryClassName))", shape, params(l)]
            if connected { r.append(depth == 0 ? connections : "") }
            if showTrainable { r.append(l.trainable ? "Y" : "N") }
            rows.append(r)
            if expandNested, let m = l as? Model {
                m.appendSummaryRows(to: &rows, depth: depth + 1, connected: connected, expandNested: true,
                                    showTrainable: showTrainable)
            }
        }
        if let graph {
            for l in graph.layers {
                let nodes = graph.nodes.filter { $0.layer === l }
                let shape = nodes.first?.outputShapes.first.map { formatSymbolicShape($0) } ?? "?"
                row(l, shape, nodes.map { graph.connections(of: $0) }.joined(separator: ", "))
            }
        } else if let seq = self as? Sequential {
            for (l, s) in zip(seq.layers, seq.layerOutputShapes()) { row(l, s.map(formatSymbolicShape) ?? "?", "") }
        } else {
            for l in layers { row(l, "?", "") }
        }
    }

    /// Writes `summary()` through `Model.output`.
    public func printSummary() {
        Model.output(summary())
    }
}

/// 1234567 → "1,234,567".
func groupedThousands(_ n: Int) -> String {
    let digits = String(Swift.abs(n))
    var out = ""
    for (i, ch) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(ch)
    }
    return (n < 0 ? "-" : "") + out
}

/// A byte count as Keras prints it: "18.79 KB", "0.00 B" (powers of 1024).
func readableMemorySize(_ bytes: Int) -> String {
    let units = ["B", "KB", "MB", "GB", "TB", "PB"]
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
