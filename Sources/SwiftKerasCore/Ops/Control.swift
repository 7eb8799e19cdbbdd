// Higher-order functions of the Keras legacy backend (keras/src/legacy/backend.py): `map_fn`,
// `foldl`, `foldr` and `rnn`. They call a user function on slices of their inputs and combine
// the results with ordinary ops (split, squeeze, stack, where), so a recording tape records
// everything and gradients flow through them whenever the user function's ops are
// differentiable. Nothing here is an op of its own: nothing to register.

/// The slices of `x` along `axis` (split + squeeze, both differentiable).
private func unstacked(_ x: Tensor, axis: Int) throws -> [Tensor] {
    let n = x.shape[axis]
    if n == 0 { return [] }
    return try x.split(into: n, axis: axis).map { try $0.squeezed(axes: [axis]) }
}

/// Validates a list of tensors sliced together along axis 0 and returns their common length.
private func leadingLength(_ elems: [Tensor], _ op: String) throws -> Int {
    guard let first = elems.first else {
        throw SwiftKerasError.invalid("\(op): elems is empty; pass at least one tensor")
    }
    for e in elems where e.rank == 0 {
        throw SwiftKerasError.invalid("\(op): elems must have rank at least 1, got a tensor of shape \(formatShape(e.shape))")
    }
    let n = first.shape[0]
    for e in elems where e.shape[0] != n {
        throw SwiftKerasError.invalid("\(op): all elems must have the same size along axis 0, got shapes \(elems.map { formatShape($0.shape) }.joined(separator: " and "))")
    }
    return n
}

/// Applies `fn` to the slices of `elems` along axis 0 and stacks each result along a new
/// axis 0. Implements Keras `backend.map_fn(fn, elems)` (`tf.map_fn`) for a flat list of
/// `elems` (fn receives one slice of each) and a flat list of results (fn returns the same
/// number of tensors, with the same shapes, for every slice). With zero slices, fn is not
/// called and each result is an empty tensor shaped `(0,) + elems[i].shape[1:]` (TensorFlow's
/// default output signature), which needs as many results as elems.
public func mapFn(_ elems: [Tensor], _ fn: ([Tensor]) throws -> [Tensor]) throws -> [Tensor] {
    let n = try leadingLength(elems, "map_fn")
    if n == 0 {
        return try elems.map { try Tensor.zeros([0] + $0.shape.dropFirst(), dtype: $0.dtype) }
    }
    let slices = try elems.map { try unstacked($0, axis: 0) }
    var results: [[Tensor]] = []
    for i in 0..<n {
        let out = try fn(slices.map { $0[i] })
        if let first = results.first, first.count != out.count {
            throw SwiftKerasError.invalid("map_fn: the function returned \(out.count) tensors for slice \(i) but \(first.count) for slice 0")
        }
        if out.isEmpty { throw SwiftKerasError.invalid("map_fn: the function returned no tensor") }
        results.append(out)
    }
    return try (0..<results[0].count).map { k in
        let column = results.map { $0[k] }
        for (i, t) in column.enumerated() where t.shape != column[0].shape {
            throw SwiftKerasError.invalid("map_fn: result \(k) has shape \(formatShape(t.shape)) for slice \(i) but \(formatShape(column[0].shape)) for slice 0")
        }
        return try stack(column, axis: 0)
    }
}

/// `mapFn` for one tensor and a function returning one tensor (Keras `backend.map_fn(fn, elems)`).
public func mapFn(_ elems: Tensor, _ fn: (Tensor) throws -> Tensor) throws -> Tensor {
    try mapFn([elems]) { [try fn($0[0])] }[0]
}

/// Shared body of foldl / foldr.
private func fold(_ elems: [Tensor], initializer: [Tensor]?, reverse: Bool, op: String,
                  _ fn: ([Tensor], [Tensor]) throws -> [Tensor]) throws -> [Tensor] {
    let n = try leadingLength(elems, op)
    var slices = try elems.map { try unstacked($0, axis: 0) }
    if reverse { slices = slices.map { Array($0.reversed()) } }
    var acc: [Tensor]
    var start = 0
    if let initializer {
        if initializer.isEmpty { throw SwiftKerasError.invalid("\(op): initializer is an empty list") }
        acc = initializer
    } else {
        if n == 0 {
            throw SwiftKerasError.invalid("\(op): elems have no elements along axis 0 and no initializer was given")
        }
        acc = slices.map { $0[0] }
        start = 1
    }
    for i in start..<Swift.max(start, n) {
        let next = try fn(acc, slices.map { $0[i] })
        if next.count != acc.count {
            throw SwiftKerasError.invalid("\(op): the function returned \(next.count) tensors for an accumulator of \(acc.count)")
        }
        acc = next
    }
    return acc
}

/// Reduces the slices of `elems` along axis 0 from first to last: `acc = fn(acc, slice)`.
/// Implements Keras `backend.foldl(fn, elems, initializer)` (`tf.foldl`) for flat lists: fn
/// receives the accumulator tensors and one slice of each elem, and returns the new
/// accumulator (as many tensors). Without an initializer the accumulator starts as the first
/// slices (so it has as many tensors as elems) and the fold runs over the rest.
public func foldl(_ elems: [Tensor], initializer: [Tensor]? = nil,
                  _ fn: ([Tensor], [Tensor]) throws -> [Tensor]) throws -> [Tensor] {
    try fold(elems, initializer: initializer, reverse: false, op: "foldl", fn)
}

/// As `foldl`, from the last slice to the first (Keras `backend.foldr`, `tf.foldr`).
public func foldr(_ elems: [Tensor], initializer: [Tensor]? = nil,
                  _ fn: ([Tensor], [Tensor]) throws -> [Tensor]) throws -> [Tensor] {
    try fold(elems, initializer: initializer, reverse: true, op: "foldr", fn)
}

/// `foldl` over one tensor with a one-tensor accumulator (Keras `backend.foldl(fn, elems, initializer)`).
public func foldl(_ elems: Tensor, initializer: Tensor? = nil, _ fn: (Tensor, Tensor) throws -> Tensor) throws -> Tensor {
    try foldl([elems], initializer: initializer.map { [$0] }) { [try fn($0[0], $1[0])] }[0]
}

/// `foldr` over one tensor with a one-tensor accumulator (Keras `backend.foldr(fn, elems, initializer)`).
public func foldr(_ elems: Tensor, initializer: Tensor? = nil, _ fn: (Tensor, Tensor) throws -> Tensor) throws -> Tensor {
    try foldr([elems], initializer: initializer.map { [$0] }) { [try fn($0[0], $1[0])] }[0]
}

/// A (B,) bool vector reshaped to broadcast against a (B, ...) tensor of rank `rank`.
private func maskLike(_ m: Tensor, rank: Int) throws -> Tensor {
    try m.reshaped(to: [m.shape[0]] + [Int](repeating: 1, count: Swift.max(0, rank - 1)))
}

/// Iterates `stepFunction` over the time axis (axis 1) of `inputs`. Implements Keras
/// `backend.rnn(step_function, inputs, initial_states, go_backwards, mask, constants, unroll,
/// input_length)` (with `time_major=False`, `zero_output_for_mask=False`,
/// `return_all_outputs=True`):
/// - `stepFunction(x_t, states + constants)` returns `(output_t, newStates)`, with as many new
///   states as `initialStates`, each of its state's shape;
/// - `inputs`: (B, T, ...) with T >= 1; `goBackwards` processes the steps from last to first
///   (the outputs stay in processing order, as in Keras);
/// - `mask`: (B, T) or (B, T, 1), cast to bool: where it is false for a sample at a step, that
///   sample's output repeats the previous output (zeros before the first) and its states are
///   carried over unchanged;
/// - `inputLength` (ignored when `unroll`, like Keras): a rank-0 integer limits the loop to
///   `min(T, inputLength)` steps; a (B,) vector also masks each sample beyond its length (when
///   no `mask` is given) and limits the loop to its maximum. Steps not run give zero outputs.
/// Returns `(lastOutput (B, ...), outputs (B, T, ...), newStates)`. Differentiable wherever
/// the step function's ops are.
public func rnn(_ stepFunction: (Tensor, [Tensor]) throws -> (Tensor, [Tensor]), inputs: Tensor,
                initialStates: [Tensor], goBackwards: Bool = false, mask: Tensor? = nil,
                constants: [Tensor] = [], unroll: Bool = false,
                inputLength: Tensor? = nil) throws -> (lastOutput: Tensor, outputs: Tensor, states: [Tensor]) {
    if inputs.rank < 3 {
        throw SwiftKerasError.invalid("rnn: inputs must have rank at least 3 (batch, time, ...), got shape \(formatShape(inputs.shape))")
    }
    let b = inputs.shape[0], t = inputs.shape[1]
    if t == 0 {
        throw SwiftKerasError.invalid("rnn: inputs have no time steps (shape \(formatShape(inputs.shape)))")
    }
    var xs = try unstacked(inputs, axis: 1)
    if goBackwards { xs.reverse() }

    // Per-step (B,) bool masks (constants: no gradient flows into a mask).
    var stepMasks: [Tensor]? = nil
    var iterations = t
    if let mask {
        let ok = mask.rank >= 2 && mask.shape[0] == b && mask.shape[1] == t && mask.shape.dropFirst(2).allSatisfy { $0 == 1 }
        if !ok {
            throw SwiftKerasError.invalid("rnn: mask must have shape (\(b), \(t)) or (\(b), \(t), 1) for inputs of shape \(formatShape(inputs.shape)), got \(formatShape(mask.shape))")
        }
        let m = try mask.cast(to: .bool).reshaped(to: [b, t]).stoppingGradient()
        var ms = try unstacked(m, axis: 1)
        if goBackwards { ms.reverse() }
        stepMasks = ms
    }
    if let inputLength, !unroll {
        if inputLength.dtype.isFloatingPoint || inputLength.dtype == .bool {
            throw SwiftKerasError.dtype("rnn: input_length must be an integer tensor, got \(inputLength.dtype)")
        }
        let lens = try inputLength.cast(to: .int64).doubles.map { Int64($0) }
        if inputLength.rank == 0 {
            iterations = Int(Swift.max(0, Swift.min(Int64(t), lens[0])))
        } else if inputLength.rank == 1 && inputLength.shape[0] == b {
            let maxLen = lens.max() ?? 0
            iterations = Int(Swift.max(0, Swift.min(Int64(t), maxLen)))
            if stepMasks == nil {
                stepMasks = try (0..<t).map { step in
                    let v = lens.map { goBackwards ? (maxLen - 1 - $0) < Int64(step) : $0 > Int64(step) }
                    return try Tensor(v, shape: [b])
                }
            }
        } else {
            throw SwiftKerasError.invalid("rnn: input_length must be a scalar or have shape (\(b),), got \(formatShape(inputLength.shape))")
        }
    }

    var states = initialStates
    var outputs: [Tensor] = []
    var prevOutput: Tensor? = nil
    for step in 0..<iterations {
        var (out, newStates) = try stepFunction(xs[step], states + constants)
        if newStates.count != states.count {
            throw SwiftKerasError.invalid("rnn: the step function returned \(newStates.count) states for \(states.count) initial states")
        }
        for (i, (s, n)) in zip(states, newStates).enumerated() where s.shape != n.shape {
            throw SwiftKerasError.invalid("rnn: the step function returned state \(i) of shape \(formatShape(n.shape)) for a state of shape \(formatShape(s.shape))")
        }
        if let m = stepMasks?[step] {
            let prev = try prevOutput ?? Tensor.zeros(like: out)
            out = try select(maskLike(m, rank: out.rank), out, prev)
            newStates = try zip(newStates, states).map { n, s in try select(maskLike(m, rank: n.rank), n, s) }
        }
        prevOutput = out
        states = newStates
        outputs.append(out)
    }
    if iterations < t {
        // Steps never run read as zeros (TensorFlow's unwritten TensorArray entries); the shape
        // of an output comes from one call of the step function, as Keras' output_time_zero.
        let shapeSource = try outputs.first ?? stepFunction(xs[0], initialStates + constants).0
        let zero = try Tensor.zeros(like: shapeSource)
        outputs += [Tensor](repeating: zero, count: t - iterations)
    }
    let stacked = try stack(outputs, axis: 1)
    return (outputs[outputs.count - 1], stacked, states)
}
