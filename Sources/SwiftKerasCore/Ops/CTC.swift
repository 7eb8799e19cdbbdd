import Glibc

// Connectionist temporal classification with the Keras legacy backend's semantics
// (keras/src/legacy/backend.py: `ctc_batch_cost`, `ctc_decode`, `ctc_label_dense_to_sparse`),
// which call TensorFlow's `tf.compat.v1.nn.ctc_loss` / `ctc_greedy_decoder` with the LAST class
// as the blank on `log(y_pred + 1e-7)`.
//
// The loss runs the forward–backward algorithm in log space (in float64, whatever the input
// dtype) and keeps the gradient with respect to `y_pred` it yields; the pullback scales it by
// the incoming cotangent (first order only: the CTC gradient is not itself differentiated).

/// Keras' fuzz factor `backend.epsilon()`.
private let ctcEpsilon = 1e-7

@inline(__always)
private func logAdd(_ a: Double, _ b: Double) -> Double {
    if a == -Double.infinity { return b }
    if b == -Double.infinity { return a }
    return a > b ? a + Glibc.log1p(Glibc.exp(b - a)) : b + Glibc.log1p(Glibc.exp(a - b))
}

/// Reads a per-batch length tensor of shape (B,) or (B, 1) as integers (floats truncate).
private func ctcLengths(_ t: Tensor, batch: Int, name: String, op: StaticString) throws -> [Int64] {
    let okShape = (t.rank == 1 && t.shape[0] == batch) || (t.rank == 2 && t.shape[0] == batch && t.shape[1] == 1)
    if !okShape {
        throw SwiftKerasError.invalid("\(op): \(name) must have shape (\(batch),) or (\(batch), 1), got \(formatShape(t.shape))")
    }
    let c = try t.cast(to: .int64)
    let p = c.pointer(Int64.self)
    return (0..<batch).map { p[$0] }
}

/// The sparse form of dense CTC labels, as three dense tensors (SwiftKeras has no sparse
/// tensors). Implements Keras `backend.ctc_label_dense_to_sparse(labels, label_lengths)`:
/// for `labels` of shape (B, L) and `labelLengths` of shape (B,) (or (B, 1)), the entries
/// `(b, i)` with `i < labelLengths[b]` in row-major order give
/// - `indices`: int64 (N, 2), the `(b, i)` pairs (`SparseTensor.indices`),
/// - `values`: (N,), `labels[b, i]` in `labels`' dtype (`SparseTensor.values`),
/// - `denseShape`: int64 (2,), `[B, L]` (`SparseTensor.dense_shape`).
public func ctcLabelDenseToSparse(labels: Tensor, labelLengths: Tensor) throws
    -> (indices: Tensor, values: Tensor, denseShape: Tensor) {
    let op: StaticString = "ctc_label_dense_to_sparse"
    if labels.rank != 2 {
        throw SwiftKerasError.invalid("ctc_label_dense_to_sparse: labels must have rank 2 (batch, max_label_length), got shape \(formatShape(labels.shape))")
    }
    let b = labels.shape[0], l = labels.shape[1]
    let lengths = try ctcLengths(labelLengths, batch: b, name: "label_lengths", op: op)
    var idx: [Int64] = []
    var pos: [Int64] = []
    for i in 0..<b {
        let n = Int(Swift.max(0, Swift.min(Int64(l), lengths[i])))
        for j in 0..<n {
            idx.append(Int64(i)); idx.append(Int64(j))
            pos.append(Int64(i &* l &+ j))
        }
    }
    let indices = try Tensor(idx, shape: [pos.count, 2])
    let values = try labels.reshaped(to: [b &* l]).gathered(indices: Tensor(pos, shape: [pos.count]), axis: 0)
    let denseShape = try Tensor([Int64(b), Int64(l)], shape: [2])
    record(op, [labels, labelLengths], indices, { _ in [nil, nil] })
    record(op, [labels, labelLengths], denseShape, { _ in [nil, nil] })
    return (indices, values, denseShape)
}

/// The CTC loss of each batch element. Implements Keras `backend.ctc_batch_cost(y_true,
/// y_pred, input_length, label_length)`:
/// - `yTrue`: (B, L) labels (integers; floats truncate), row b using its first
///   `labelLength[b]` entries (clamped to [0, L]); each must be in `[0, C − 1)`;
/// - `yPred`: (B, T, C) softmax probabilities, floating point; class `C − 1` is the blank;
/// - `inputLength`, `labelLength`: (B, 1) (or (B,)) integers; `inputLength[b]` in [0, T].
/// The result is (B, 1) in `yPred`'s dtype: `−log p(label | log(y_pred + 1e-7))`, where the
/// per-step scores are renormalised (log-softmax) as `tf.nn.ctc_loss` does with its logits.
/// A label sequence that needs more steps than `inputLength[b]` (its length plus the number
/// of repeated neighbours) throws, as TensorFlow does. Differentiable with respect to `yPred`
/// (first order).
public func ctcBatchCost(yTrue: Tensor, yPred: Tensor, inputLength: Tensor, labelLength: Tensor) throws -> Tensor {
    let op: StaticString = "ctc_batch_cost"
    if !yPred.dtype.isFloatingPoint {
        throw SwiftKerasError.dtype("ctc_batch_cost: dtype \(yPred.dtype) of y_pred is not supported, expected a floating-point tensor")
    }
    if yPred.rank != 3 {
        throw SwiftKerasError.invalid("ctc_batch_cost: y_pred must have rank 3 (batch, time, classes), got shape \(formatShape(yPred.shape))")
    }
    let bsz = yPred.shape[0], tmax = yPred.shape[1], c = yPred.shape[2]
    if c < 1 {
        throw SwiftKerasError.invalid("ctc_batch_cost: y_pred needs at least one class (the blank), got shape \(formatShape(yPred.shape))")
    }
    if yTrue.rank != 2 || yTrue.shape[0] != bsz {
        throw SwiftKerasError.invalid("ctc_batch_cost: y_true must have shape (\(bsz), max_label_length) for y_pred of shape \(formatShape(yPred.shape)), got \(formatShape(yTrue.shape))")
    }
    if yTrue.dtype == .bool {
        throw SwiftKerasError.dtype("ctc_batch_cost: y_true must hold integer labels, got bool")
    }
    let maxLabel = yTrue.shape[1]
    let inLen = try ctcLengths(inputLength, batch: bsz, name: "input_length", op: op)
    let labLen = try ctcLengths(labelLength, batch: bsz, name: "label_length", op: op)
    let labelsT = try yTrue.cast(to: .int64)
    let lp = labelsT.pointer(Int64.self)
    let blank = c - 1
    var labels: [[Int]] = []
    labels.reserveCapacity(bsz)
    for b in 0..<bsz {
        if inLen[b] < 0 || inLen[b] > Int64(tmax) {
            throw SwiftKerasError.invalid("ctc_batch_cost: input_length[\(b)] = \(inLen[b]) is outside [0, \(tmax)] (the time axis of y_pred)")
        }
        if labLen[b] < 0 || labLen[b] > Int64(maxLabel) {
            throw SwiftKerasError.invalid("ctc_batch_cost: label_length[\(b)] = \(labLen[b]) is outside [0, \(maxLabel)] (the label axis of y_true)")
        }
        let n = Int(labLen[b])
        var row: [Int] = []
        var required = n
        for j in 0..<n {
            let v = lp[b &* maxLabel &+ j]
            if v < 0 || v >= Int64(blank) {
                throw SwiftKerasError.range("ctc_batch_cost: label \(v) at (\(b), \(j)) is outside [0, \(blank)) (class \(blank) of \(c) is the blank)")
            }
            if j > 0 && Int(v) == row[j - 1] { required += 1 }
            row.append(Int(v))
        }
        if required > Int(inLen[b]) {
            throw SwiftKerasError.invalid("ctc_batch_cost: not enough time for target transition sequence in batch \(b) (required: \(required), available: \(inLen[b]))")
        }
        labels.append(row)
    }
    let y = try yPred.cast(to: .float64)
    let py = y.pointer(Double.self)
    let loss = try Tensor.uninitialized([bsz, 1], .float64, op: op)
    let grad = try Tensor.uninitialized(yPred.shape, .float64, op: op)
    let pl = loss.pointer(Double.self), pg = grad.pointer(Double.self)
    let perBatch = tmax &* c
    pg.update(repeating: 0, count: bsz &* perBatch)
    Parallel.forRange(bsz, grain: 1) { lo, hi in
        for b in lo..<hi {
            pl[b] = ctcForwardBackward(py + b &* perBatch, pg + b &* perBatch, steps: Int(inLen[b]),
                                       classes: c, label: labels[b])
        }
    }
    let result = try loss.cast(to: yPred.dtype)
    record(op, [yTrue, yPred, inputLength, labelLength], result, { g in
        let gc = try g.cast(to: .float64).reshaped(to: [bsz, 1, 1])
        return [nil, try (gc * grad).cast(to: yPred.dtype), nil, nil]
    })
    return result
}

/// One sequence: the loss, and dloss/dy written into `grad` (T·C, zero beyond `steps`).
private func ctcForwardBackward(_ y: UnsafeMutablePointer<Double>, _ grad: UnsafeMutablePointer<Double>,
                                steps t: Int, classes c: Int, label: [Int]) -> Double {
    let blank = c - 1
    let s = 2 &* label.count &+ 1
    if t == 0 { return label.isEmpty ? 0 : Double.infinity }
    // Log-probabilities: log_softmax(log(y + eps)) per step.
    var lpr = [Double](repeating: 0, count: t &* c)
    for i in 0..<t {
        var m = -Double.infinity
        for k in 0..<c {
            let z = Glibc.log(y[i &* c &+ k] + ctcEpsilon)
            lpr[i &* c &+ k] = z
            if z > m { m = z }
        }
        var sum = 0.0
        for k in 0..<c { sum += Glibc.exp(lpr[i &* c &+ k] - m) }
        let lse = m + Glibc.log(sum)
        for k in 0..<c { lpr[i &* c &+ k] -= lse }
    }
    @inline(__always) func sym(_ j: Int) -> Int { j & 1 == 0 ? blank : label[j >> 1] }
    let ninf = -Double.infinity
    var alpha = [Double](repeating: ninf, count: t &* s)
    var beta = [Double](repeating: ninf, count: t &* s)
    alpha[0] = lpr[blank]
    if s > 1 { alpha[1] = lpr[sym(1)] }
    for i in 1..<t {
        for j in 0..<s {
            var a = alpha[(i - 1) &* s &+ j]
            if j >= 1 { a = logAdd(a, alpha[(i - 1) &* s &+ j - 1]) }
            if j >= 2 && j & 1 == 1 && sym(j) != sym(j - 2) { a = logAdd(a, alpha[(i - 1) &* s &+ j - 2]) }
            alpha[i &* s &+ j] = a == ninf ? ninf : a + lpr[i &* c &+ sym(j)]
        }
    }
    // beta excludes the emission at its own step.
    beta[(t - 1) &* s &+ s - 1] = 0
    if s > 1 { beta[(t - 1) &* s &+ s - 2] = 0 }
    var i = t - 2
    while i >= 0 {
        for j in 0..<s {
            var v = beta[(i + 1) &* s &+ j] + lpr[(i + 1) &* c &+ sym(j)]
            if j + 1 < s { v = logAdd(v, beta[(i + 1) &* s &+ j + 1] + lpr[(i + 1) &* c &+ sym(j + 1)]) }
            if j + 2 < s && (j + 2) & 1 == 1 && sym(j + 2) != sym(j) {
                v = logAdd(v, beta[(i + 1) &* s &+ j + 2] + lpr[(i + 1) &* c &+ sym(j + 2)])
            }
            beta[i &* s &+ j] = v
        }
        i -= 1
    }
    var logP = alpha[(t - 1) &* s &+ s - 1]
    if s > 1 { logP = logAdd(logP, alpha[(t - 1) &* s &+ s - 2]) }
    if logP == ninf { return Double.infinity }
    // dL/dz = softmax(z) − occupancy; dz/dy = 1/(y + eps).
    var occ = [Double](repeating: 0, count: c)
    for i in 0..<t {
        for k in 0..<c { occ[k] = 0 }
        for j in 0..<s {
            let v = alpha[i &* s &+ j] + beta[i &* s &+ j]
            if v != ninf { occ[sym(j)] += Glibc.exp(v - logP) }
        }
        for k in 0..<c {
            let p = Glibc.exp(lpr[i &* c &+ k])
            grad[i &* c &+ k] = (p - occ[k]) / (y[i &* c &+ k] + ctcEpsilon)
        }
    }
    return -logP
}

/// Decodes CTC output. Implements Keras `backend.ctc_decode(y_pred, input_length, greedy,
/// beam_width, top_paths)` (keras/src/legacy/backend.py), which runs TensorFlow's decoders on
/// `log(y_pred + 1e-7)` with the LAST class as the blank.
/// - `yPred`: (B, T, C) probabilities, floating point; `inputLength`: (B,) (or (B, 1)) in [0, T].
/// - `greedy: true` (`tf.nn.ctc_greedy_decoder`): per batch element the most likely class of
///   each of its first `inputLength[b]` steps (the first on ties), repeats merged, blanks
///   dropped. `decoded` holds one tensor and `logProbabilities` is (B, 1): the NEGATIVE sum
///   of the per-step maximum log scores (TensorFlow's greedy `log_probability`, ≥ 0).
/// - `greedy: false` (`tf.compat.v1.nn.ctc_beam_search_decoder(inputs, sequence_length,
///   beam_width, top_paths)`, whose `merge_repeated` defaults to true): TensorFlow's prefix beam
///   search (tensorflow/core/util/ctc/ctc_beam_search.h). Each step renormalises the scores
///   with a log-softmax (so the probabilities are `(y + 1e-7) / Σ(y + 1e-7)`), extends every
///   kept prefix by every non-blank class, tracks for each prefix the probability of ending
///   in a blank and in its last label, and keeps the `beamWidth` most probable prefixes.
///   `decoded` holds `topPaths` tensors, the best first, and `logProbabilities` is
///   (B, topPaths): the beam scores, i.e. the log of the summed probability of the alignments
///   the beam kept for that prefix (≤ 0). With a beam wide enough to keep every prefix it is
///   exactly `log P(labelling)`, and the best path is the most probable labelling.
///   As in TensorFlow v1, `merge_repeated` also merges equal neighbours of a beam's label
///   sequence: the beam `a a` (emitted as `a`, blank, `a`) decodes to `[a]`, so two top paths
///   may decode to the same sequence. Equal scores may be ordered differently from TensorFlow.
/// Every decoded tensor is int64 of shape (B, T) padded with −1 (Keras densifies with the
/// dense shape (B, T)); `logProbabilities` has `yPred`'s dtype.
/// Throws when `topPaths < 1`, `beamWidth < topPaths`, or (as TensorFlow does) when a batch
/// element ends with fewer beams than `topPaths` (e.g. `inputLength[b] == 0` and
/// `topPaths > 1`). Not differentiable.
public func ctcDecode(yPred: Tensor, inputLength: Tensor, greedy: Bool = true, beamWidth: Int = 100,
                      topPaths: Int = 1) throws -> (decoded: [Tensor], logProbabilities: Tensor) {
    let op: StaticString = "ctc_decode"
    if !yPred.dtype.isFloatingPoint {
        throw SwiftKerasError.dtype("ctc_decode: dtype \(yPred.dtype) of y_pred is not supported, expected a floating-point tensor")
    }
    if yPred.rank != 3 || yPred.shape[2] < 1 {
        throw SwiftKerasError.invalid("ctc_decode: y_pred must have rank 3 (batch, time, classes) with at least one class, got shape \(formatShape(yPred.shape))")
    }
    if !greedy && (beamWidth < 1 || topPaths < 1 || topPaths > beamWidth) {
        throw SwiftKerasError.invalid("ctc_decode: beam_width (\(beamWidth)) and top_paths (\(topPaths)) must satisfy 1 <= top_paths <= beam_width")
    }
    let bsz = yPred.shape[0], tmax = yPred.shape[1], c = yPred.shape[2]
    let lens = try ctcLengths(inputLength, batch: bsz, name: "input_length", op: op)
    for b in 0..<bsz where lens[b] < 0 || lens[b] > Int64(tmax) {
        throw SwiftKerasError.invalid("ctc_decode: input_length[\(b)] = \(lens[b]) is outside [0, \(tmax)] (the time axis of y_pred)")
    }
    let compute = yPred.dtype.computeType
    let x = try yPred.cast(to: compute)
    if !greedy {
        let r: (decoded: [Tensor], logProbabilities: Tensor)
        if compute == .float64 {
            r = try ctcBeamSearchDecode(x, Double.self, lens: lens, beamWidth: beamWidth, topPaths: topPaths)
        } else {
            r = try ctcBeamSearchDecode(x, Float.self, lens: lens, beamWidth: beamWidth, topPaths: topPaths)
        }
        let logProbabilities = try r.logProbabilities.cast(to: yPred.dtype)
        for d in r.decoded { record(op, [yPred, inputLength], d, { _ in [nil, nil] }) }
        record(op, [yPred, inputLength], logProbabilities, { _ in [nil, nil] })
        return (r.decoded, logProbabilities)
    }
    let decoded = try Tensor.full([bsz, tmax], value: -1, dtype: .int64)
    let logp = try Tensor.uninitialized([bsz, 1], compute, op: op)
    let pd = decoded.pointer(Int64.self)
    func run<T: NeuralNetFloat>(_: T.Type) {
        let px = x.pointer(T.self), pr = logp.pointer(T.self)
        let eps = T(ctcEpsilon)
        for b in 0..<bsz {
            var total: T = 0
            var prev = -1, n = 0
            for i in 0..<Int(lens[b]) {
                let row = px + (b &* tmax &+ i) &* c
                var best = 0
                var m = T.nnLog(row[0] + eps)
                for k in 1..<c {
                    let v = T.nnLog(row[k] + eps)
                    if v > m { m = v; best = k }
                }
                total += -m
                if best != c - 1 && best != prev {
                    pd[b &* tmax &+ n] = Int64(best)
                    n &+= 1
                }
                prev = best
            }
            pr[b] = total
        }
    }
    if compute == .float64 { run(Double.self) } else { run(Float.self) }
    let logProbabilities = try logp.cast(to: yPred.dtype)
    record(op, [yPred, inputLength], decoded, { _ in [nil, nil] })
    record(op, [yPred, inputLength], logProbabilities, { _ in [nil, nil] })
    return ([decoded], logProbabilities)
}

// MARK: - Beam search

@inline(__always)
private func ctcLogSumExp<T: NeuralNetFloat>(_ a: T, _ b: T) -> T {
    if a == -T.infinity { return b }
    if b == -T.infinity { return a }
    return a > b ? a + T.nnLog1p(T.nnExp(b - a)) : b + T.nnLog1p(T.nnExp(a - b))
}

/// The log-probabilities TensorFlow's `BeamProbability` keeps for a prefix: ending in a blank,
/// ending in its last label, and their sum (−inf = not in the beam).
private struct CTCBeamProbability<T: NeuralNetFloat> {
    var total: T = -T.infinity
    var blank: T = -T.infinity
    var label: T = -T.infinity
}

/// The key of a prefix-tree edge: a parent node and the label appended to it.
private struct CTCBeamEdge: Hashable {
    var parent: Int
    var label: Int
}

/// One batch element's result: the top paths (label sequences, best first) and their scores,
/// or the number of beams when there are fewer than requested.
private struct CTCBeamResult<T: NeuralNetFloat> {
    var paths: [[Int]] = []
    var scores: [T] = []
    var beams = 0
}

/// TensorFlow's `CTCBeamSearchDecoder` with the default (empty) scorer, no label selection and
/// `merge_repeated = true`, for one sequence. Prefixes live in a tree (node 0 is the empty
/// root); the leaves of the beam form a min-heap on their current total so the bottom (the
/// beam's least probable entry) is at hand, as TensorFlow's `gtl::TopN` provides.
private final class CTCBeamSearch<T: NeuralNetFloat> {
    let classes: Int, blank: Int, beamWidth: Int
    var parent: [Int] = [], label: [Int] = []
    var oldp: [CTCBeamProbability<T>] = [], newp: [CTCBeamProbability<T>] = []
    var edges: [CTCBeamEdge: Int] = [:]
    var heap: [Int] = []

    init(classes: Int, beamWidth: Int) {
        self.classes = classes
        self.blank = classes - 1
        self.beamWidth = beamWidth
    }

    /// Starts a new sequence: only the empty prefix, with probability 1.
    func reset() {
        parent = [-1]; label = [-1]
        oldp = [CTCBeamProbability()]
        newp = [CTCBeamProbability(total: 0, blank: 0, label: -T.infinity)]
        edges.removeAll(keepingCapacity: true)
        heap = [0]
    }

    /// The heap key of node `n` (NaN orders as −inf, so nothing compares inconsistently).
    @inline(__always) private func key(_ n: Int) -> T {
        let v = newp[n].total
        return v.isNaN ? -T.infinity : v
    }

    private func push(_ n: Int) {
        heap.append(n)
        var i = heap.count - 1
        while i > 0 {
            let p = (i - 1) / 2
            if key(heap[i]) < key(heap[p]) { heap.swapAt(i, p); i = p } else { break }
        }
    }

    /// Removes and returns the bottom (least probable) leaf.
    private func popBottom() -> Int {
        let top = heap[0]
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var i = 0
            let n = heap.count
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < n && key(heap[l]) < key(heap[m]) { m = l }
                if r < n && key(heap[r]) < key(heap[m]) { m = r }
                if m == i { break }
                heap.swapAt(i, m); i = m
            }
        }
        return top
    }

    /// The leaves sorted by decreasing total (TopN::Extract), leaving the beam empty.
    private func extract() -> [Int] {
        var out = heap
        heap.removeAll(keepingCapacity: true)
        out.sort { key($0) > key($1) }
        return out
    }

    /// `is_candidate`: a nonzero probability that fits in the beam (beating its bottom when full).
    @inline(__always) private func isCandidate(_ total: T) -> Bool {
        total > -T.infinity && (heap.count < beamWidth || total > key(heap[0]))
    }

    /// One time step on the scores `row` (C log-probabilities, not necessarily normalised).
    func step(_ row: UnsafePointer<T>) {
        var maxCoeff = row[0]
        for k in 1..<classes where row[k] > maxCoeff { maxCoeff = row[k] }
        var sum: T = 0
        for k in 0..<classes { sum += T.nnExp(row[k] - maxCoeff) }
        let normOffset = maxCoeff + T.nnLog(sum)

        let branches = extract()
        for b in branches { oldp[b] = newp[b] }
        // Existing prefixes: continue with their last label or a blank.
        for b in branches {
            let p = parent[b]
            if p >= 0 {
                if newp[p].total != -T.infinity {
                    let previous = label[b] == label[p] ? oldp[p].blank : oldp[p].total
                    newp[b].label = ctcLogSumExp(newp[b].label, previous)
                }
                newp[b].label += row[label[b]] - normOffset
            }
            newp[b].blank = oldp[b].total + row[blank] - normOffset
            newp[b].total = ctcLogSumExp(newp[b].blank, newp[b].label)
            push(b)
        }
        // New prefixes: every kept prefix extended by every non-blank class.
        for b in branches {
            if !isCandidate(oldp[b].total) { continue }
            for k in 0..<blank {
                let edge = CTCBeamEdge(parent: b, label: k)
                let existing = edges[edge]
                if let c = existing, newp[c].total != -T.infinity { continue }
                let previous = k == label[b] ? oldp[b].blank : oldp[b].total
                let total = row[k] - normOffset + previous
                if isCandidate(total) {
                    let c: Int
                    if let existing { c = existing } else {
                        c = parent.count
                        parent.append(b); label.append(k)
                        oldp.append(CTCBeamProbability()); newp.append(CTCBeamProbability())
                        edges[edge] = c
                    }
                    newp[c] = CTCBeamProbability(total: total, blank: -T.infinity, label: total)
                    if heap.count == beamWidth {
                        let bottom = popBottom()
                        newp[bottom] = CTCBeamProbability()
                    }
                    push(c)
                } else if let c = existing {
                    oldp[c] = CTCBeamProbability(); newp[c] = CTCBeamProbability()
                }
            }
        }
    }

    /// The `n` best beams (best first) as label sequences with equal neighbours merged, and
    /// their totals; nil when the beam holds fewer than `n` entries.
    func topPaths(_ n: Int) -> ([[Int]], [T])? {
        if heap.count < n { return nil }
        let best = extract()
        var paths: [[Int]] = [], scores: [T] = []
        for i in 0..<n {
            var seq: [Int] = []
            var node = best[i], prev = -1
            while parent[node] >= 0 {
                if label[node] != prev { seq.append(label[node]) }
                prev = label[node]
                node = parent[node]
            }
            paths.append(seq.reversed())
            scores.append(newp[best[i]].total)
        }
        for b in best { push(b) }
        return (paths, scores)
    }
}

/// Beam search over a (B, T, C) tensor `x` of dtype `T` (validated by `ctcDecode`).
private func ctcBeamSearchDecode<T: NeuralNetFloat>(_ x: Tensor, _: T.Type, lens: [Int64], beamWidth: Int,
                                                    topPaths: Int) throws -> (decoded: [Tensor], logProbabilities: Tensor) {
    let bsz = x.shape[0], tmax = x.shape[1], c = x.shape[2]
    let px = x.pointer(T.self)
    let eps = T(ctcEpsilon)
    var results = [CTCBeamResult<T>](repeating: CTCBeamResult(), count: bsz)
    results.withUnsafeMutableBufferPointer { out in
        Parallel.forRange(bsz, grain: 1) { lo, hi in
            let search = CTCBeamSearch<T>(classes: c, beamWidth: beamWidth)
            let row = UnsafeMutablePointer<T>.allocate(capacity: c)
            defer { row.deallocate() }
            for b in lo..<hi {
                search.reset()
                for i in 0..<Int(lens[b]) {
                    let src = px + (b &* tmax &+ i) &* c
                    for k in 0..<c { row[k] = T.nnLog(src[k] + eps) }
                    search.step(row)
                }
                if let (paths, scores) = search.topPaths(topPaths) {
                    out[b] = CTCBeamResult(paths: paths, scores: scores, beams: topPaths)
                } else {
                    out[b] = CTCBeamResult(paths: [], scores: [], beams: search.heap.count)
                }
            }
        }
    }
    for b in 0..<bsz where results[b].paths.count < topPaths {
        throw SwiftKerasError.invalid("ctc_decode: the beam search of batch element \(b) (input_length \(lens[b])) ends with \(results[b].beams) prefixes, fewer than top_paths = \(topPaths)")
    }
    var decoded: [Tensor] = []
    for k in 0..<topPaths {
        let d = try Tensor.full([bsz, tmax], value: -1, dtype: .int64)
        let pd = d.pointer(Int64.self)
        for b in 0..<bsz {
            for (j, v) in results[b].paths[k].enumerated() { pd[b &* tmax &+ j] = Int64(v) }
        }
        decoded.append(d)
    }
    let logp = try Tensor.uninitialized([bsz, topPaths], x.dtype, op: "ctc_decode")
    let pl = logp.pointer(T.self)
    for b in 0..<bsz {
        for k in 0..<topPaths { pl[b &* topPaths &+ k] = results[b].scores[k] }
    }
    return (decoded, logp)
}
