import SwiftKerasCHeader
import SwiftKeras

// Recurrent cells through the C ABI (rnn_cells.h): cells defined by C callbacks, stacked cells
// and the RNN layer over a cell handle, the state sizes of a cell. Cells are sk_layer handles.

/// The build and step callbacks of a custom cell, sharing one user_data.
struct CellFns {
    let build: sk_layer_build_fn?
    let step: sk_rnn_cell_step_fn
}

/// A `RecurrentCellLayer` whose build and step are C callbacks (a Keras custom cell).
final class CallbackRecurrentCell: RecurrentCellLayer {
    let callbacks: CCallback<CellFns>
    let sizes: [Int]
    let outputs: Int

    init(name: String?, sizes: [Int], outputSize: Int, _ callbacks: CCallback<CellFns>) {
        self.callbacks = callbacks
        self.sizes = sizes
        outputs = outputSize
        super.init(name: name ?? Layer.autoName("CustomRNNCell"))
    }

    override var stateSizes: [Int] { sizes }
    override var outputSize: Int { outputs }

    override func build(inputShapes: [[Int]]) throws {
        guard let build = callbacks.fn.build, let shape = inputShapes.first else { return }
        let s = shape.map { Int64($0) }
        try callbacks.check("cell '\(name)' build") { _, ud in
            s.withUnsafeBufferPointer { build(ud, borrowed(self), $0.baseAddress, Int32($0.count)) }
        }
    }

    override func step(_ input: Tensor, states: [Tensor], training: Bool) throws -> (Tensor, [Tensor]) {
        try step(input, states: states, constants: [], training: training)
    }

    /// The callback gets the states followed by the RNN's constants (n_states counts both; the
    /// outputs are the step output and the new states).
    override func step(_ input: Tensor, states: [Tensor], constants: [Tensor], training: Bool) throws -> (Tensor, [Tensor]) {
        let what = "cell '\(name)' step"
        let n = states.count
        let outs = try callbacks.tensors(what, count: 1 + n) { fn, ud, out, nOut in
            withBorrowedHandles(states + constants) { sp, ns in
                fn.step(ud, borrowed(self), borrowed(input), sp, ns, training ? 1 : 0, out, nOut)
            }
        }
        let written = outs.compactMap { $0 }
        if written.count != 1 + n {
            throw SwiftKerasError.invalid("\(what): the step callback returned SK_OK but wrote \(written.count) of its \(1 + n) outputs (the output and \(n) state(s))")
        }
        return (written[0], Array(written.dropFirst()))
    }
}

@c @implementation
public func sk_rnn_cell_create_custom(_ name: UnsafePointer<CChar>?, _ stateSizes: UnsafePointer<Int64>?, _ nStates: Int32,
                                      _ outputSize: Int64, _ build: sk_layer_build_fn?, _ step: sk_rnn_cell_step_fn?,
                                      _ userData: UnsafeMutableRawPointer?, _ destroy: CDestroy?,
                                      _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    let owner = CUserData(userData, destroy)
    return produce(out, "sk_rnn_cell_create_custom") {
        guard let step else { throw SwiftKerasError(.invalidArgument, "sk_rnn_cell_create_custom: step is NULL") }
        let sizes = try intList(stateSizes, nStates, "sk_rnn_cell_create_custom", "state_sizes")
        if sizes.isEmpty || sizes.contains(where: { $0 < 1 }) || outputSize < 0 {
            throw SwiftKerasError(.invalidArgument, "sk_rnn_cell_create_custom: a cell needs at least one state, every state size >= 1 and output_size >= 0 (got state sizes \(sizes), output_size \(outputSize))")
        }
        return CallbackRecurrentCell(name: optionalString(name), sizes: sizes,
                                     outputSize: outputSize == 0 ? sizes[0] : Int(outputSize),
                                     CCallback(CellFns(build: build, step: step), owner)) as Layer
    }
}

/// The cell `h` is, for `fn`'s errors.
private func cellHandle(_ h: OpaquePointer?, _ fn: StaticString, _ arg: StaticString) throws -> RecurrentCellLayer {
    let l = try unwrap(h, fn, arg, as: Layer.self)
    guard let c = l as? RecurrentCellLayer else {
        throw SwiftKerasError(.invalidArgument, "\(fn): \(arg) '\(l.name)' of class \(layerClassName(l)) is not a recurrent cell")
    }
    return c
}

@c @implementation
public func sk_rnn_cell_state_size(_ cell: OpaquePointer?, _ sizes: UnsafeMutablePointer<Int64>?, _ capacity: Int32,
                                   _ count: UnsafeMutablePointer<Int32>?, _ outputSize: UnsafeMutablePointer<Int64>?) -> Int32 {
    status {
        let c = try cellHandle(cell, "sk_rnn_cell_state_size", "cell")
        let s = c.stateSizes
        count?.pointee = Int32(s.count)
        outputSize?.pointee = Int64(c.outputSize)
        if sizes == nil && capacity == 0 { return }
        guard let sizes, Int(capacity) >= s.count else {
            throw SwiftKerasError(.invalidArgument, "sk_rnn_cell_state_size: capacity \(capacity) is smaller than the \(s.count) state sizes (or sizes is NULL)")
        }
        for (i, v) in s.enumerated() { sizes[i] = Int64(v) }
    }
}

@c @implementation
public func sk_rnn_cells_stack(_ cells: UnsafePointer<OpaquePointer?>?, _ n: Int32, _ config: UnsafePointer<CChar>?,
                               _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_rnn_cells_stack") {
        let ls = try handleList(cells, n, "sk_rnn_cells_stack", "cells", as: Layer.self)
        return try StackedRNNCells(cells: ls, config: ConfigValue.parse(json: configJSON(config))) as Layer
    }
}

@c @implementation
public func sk_rnn_create(_ cell: OpaquePointer?, _ config: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_rnn_create") {
        let c = try unwrap(cell, "sk_rnn_create", "cell", as: Layer.self)
        return try RNN(cell: c, config: ConfigValue.parse(json: configJSON(config))) as Layer
    }
}

@c @implementation
public func sk_rnn_cell(_ layer: OpaquePointer?, _ index: Int32, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out, "sk_rnn_cell") {
        let l = try unwrap(layer, "sk_rnn_cell", "layer", as: Layer.self)
        let cells: [Layer]
        switch l {
        case let r as RNN: cells = [r.cell]
        case let s as StackedRNNCells: cells = s.cells
        default: throw SwiftKerasError(.invalidArgument, "sk_rnn_cell: layer '\(l.name)' of class \(layerClassName(l)) is neither an RNN nor StackedRNNCells")
        }
        guard index >= 0 && Int(index) < cells.count else {
            throw SwiftKerasError(.outOfRange, "sk_rnn_cell: index \(index) is out of range for the \(cells.count) cell(s) of '\(l.name)'")
        }
        return cells[Int(index)]
    }
}
