import XCTest
import Glibc
@testable import SwiftKerasCore
@testable import SwiftKeras

// Metrics: each over several update_state calls against hand computation (the Keras
// docstring examples first), AUC against a trapezoid computed here from the same thresholds,
// accuracy resolution, lookup by name, errors.

private func assertResult(_ m: Metric, _ want: Double, atol: Double = 1e-5, file: StaticString = #filePath, line: UInt = #line) {
    do {
        let r = try m.result()
        XCTAssertEqual(r.shape, [], "shape", file: file, line: line)
        XCTAssertEqual(r.dtype, .float32, "dtype", file: file, line: line)
        XCTAssertEqual(try r.scalarDouble(), want, accuracy: atol, file: file, line: line)
    } catch {
        XCTFail("result failed: \(error)", file: file, line: line)
    }
}

/// ROC AUC by the trapezoid rule over `thresholds`, counting `p > t` directly.
private func referenceAUC(_ labels: [Double], _ preds: [Double], _ weights: [Double], thresholds: [Double]) -> Double {
    var tpr: [Double] = [], fpr: [Double] = []
    for th in thresholds {
        var tp = 0.0, fp = 0.0, tn = 0.0, fn = 0.0
        for i in 0..<labels.count {
            let pos = Swift.min(Swift.max(preds[i], 0), 1) > th
            if labels[i] != 0 { if pos { tp += weights[i] } else { fn += weights[i] } }
            else { if pos { fp += weights[i] } else { tn += weights[i] } }
        }
        tpr.append(tp + fn == 0 ? 0 : tp / (tp + fn))
        fpr.append(fp + tn == 0 ? 0 : fp / (fp + tn))
    }
    var area = 0.0
    for i in 0..<(thresholds.count - 1) { area += (fpr[i] - fpr[i + 1]) * (tpr[i] + tpr[i + 1]) / 2 }
    return area
}

final class KerasMetricTests: XCTestCase {
    func testMean() throws {
        let m = Metrics.Mean()
        try m.update(values: t32([1, 3, 5, 7], [4]))
        assertResult(m, 4)
        try m.resetState()
        assertResult(m, 0)
        try m.update(values: t32([1, 3, 5, 7], [4]), sampleWeight: t32([1, 1, 0, 0], [4]))
        assertResult(m, 2)
        // Accumulates: total 4 + 2·0.5 + 10·2 = 25, count 2 + 0.5 + 2 = 4.5.
        try m.update(values: t32([2, 10], [2]), sampleWeight: t32([0.5, 2], [2]))
        assertResult(m, 25.0 / 4.5)
        // Rank-2 values are averaged per sample: rows (1+3)/2 = 2 and 6 → total += 8, count += 2.
        try m.resetState()
        try m.update(values: t32([1, 3, 6, 6], [2, 2]))
        try m.update(values: t32([10], []))
        assertResult(m, (2 + 6 + 10) / 3.0)
        XCTAssertEqual(m.variables.map(\.name), ["mean/total", "mean/count"])
        XCTAssertTrue(m.variables.allSatisfy { !$0.trainable })
    }

    func testBinaryAccuracy() throws {
        let m = try Metrics.BinaryAccuracy()
        let t = t32([1, 1, 0, 0], [4, 1]), p = t32([0.98, 1, 0, 0.6], [4, 1])
        try m.updateState(t, p)
        assertResult(m, 0.75)
        try m.resetState()
        try m.updateState(t, p, sampleWeight: t32([1, 0, 0, 1], [4]))
        assertResult(m, 0.5)
        // A second batch: matches [1, 0] with weights [2, 1] → total 1 + 2, count 2 + 3.
        try m.updateState(t32([1, 0], [2, 1]), t32([0.7, 0.5001], [2, 1]), sampleWeight: t32([2, 1], [2]))
        assertResult(m, 3.0 / 5.0)
        // Threshold 0.8 and labels (B,) against (B, 1) predictions.
        let m2 = try Metrics.BinaryAccuracy(threshold: 0.8)
        try m2.updateState(t32([1, 1, 0], [3]), t32([0.9, 0.7, 0.1], [3, 1]))
        try m2.updateState(t32([0], [1]), t32([0.85], [1, 1]))
        assertResult(m2, 2.0 / 4.0)
    }

    /// tf.keras 2 pools `Accuracy` over every sample (not per-batch means) and takes a per-sample
    /// weight; values recorded with TF 2.21 + tf-keras 2.21.
    func testAccuracyPoolsSamplesWithPerSampleWeights() throws {
        let m = Metrics.Accuracy()
        try m.updateState(t32([1, 2, 3, 4], [4]), t32([1, 2, 0, 4], [4]))
        try m.updateState(t32([1, 2, 3, 4, 5], [5]), t32([0, 2, 0, 4, 5], [5]), sampleWeight: t32([1, 2, 3, 4, 5], [5]))
        assertResult(m, 0.7368421)  // (3 + 11) / (4 + 15)
        let m2 = Metrics.Accuracy()
        try m2.updateState(t32([1, 2, 3, 4], [2, 2]), t32([1, 2, 0, 4], [2, 2]), sampleWeight: t32([1, 2], [2]))
        assertResult(m2, 0.6666667)
        // Predictions are cast to the labels' dtype (integer labels: 1.9 → 1).
        XCTAssertEqual(try Metrics.exactMatches(Tensor([1, 2] as [Int32]), t32([1.9, 2], [2])).doubles, [1, 1])
    }

    func testCategoricalAccuracies() throws {
        let t = t32([0, 0, 1, 0, 1, 0], [2, 3]), p = t32([0.1, 0.9, 0.8, 0.05, 0.95, 0], [2, 3])
        let c = Metrics.CategoricalAccuracy()
        try c.updateState(t, p)
        assertResult(c, 0.5)
        try c.resetState()
        try c.updateState(t, p, sampleWeight: t32([0.7, 0.3], [2]))
        assertResult(c, 0.3)
        try c.updateState(t32([1, 0, 0], [1, 3]), t32([0.5, 0.2, 0.3], [1, 3]))
        assertResult(c, 1.3 / 2.0)

        let s = Metrics.SparseCategoricalAccuracy()
        try s.updateState(t32([2, 1], [2, 1]), t32([0.1, 0.6, 0.3, 0.05, 0.95, 0], [2, 3]))
        assertResult(s, 0.5)
        try s.resetState()
        try s.updateState(t32([2, 1], [2, 1]), t32([0.1, 0.6, 0.3, 0.05, 0.95, 0], [2, 3]), sampleWeight: t32([0.7, 0.3], [2]))
        assertResult(s, 0.3)
        // Integer labels of shape (B,).
        try s.updateState(try Tensor([Int32(0), 2, 2], shape: [3]), t32([3, 1, 2, 0, 0, 1, 5, 6, 7], [3, 3]))
        assertResult(s, (0.3 + 3) / 4.0)

        let k1 = Metrics.TopKCategoricalAccuracy(k: 1)
        try k1.updateState(t, t32([0.1, 0.9, 0.8, 0.05, 0.95, 0], [2, 3]))
        assertResult(k1, 0.5)
        try k1.resetState()
        try k1.updateState(t, t32([0.1, 0.9, 0.8, 0.05, 0.95, 0], [2, 3]), sampleWeight: t32([0.7, 0.3], [2]))
        assertResult(k1, 0.3)
        let sk1 = Metrics.SparseTopKCategoricalAccuracy(k: 1)
        try sk1.updateState(t32([2, 1], [2]), t32([0.1, 0.9, 0.8, 0.05, 0.95, 0], [2, 3]))
        assertResult(sk1, 0.5)
        // k = 2 over two batches: class 2 (score 0.8) is 2nd → hit; class 2 (score 0) is 3rd →
        // miss; then a tie for 2nd place counts in → hit.
        let sk2 = Metrics.SparseTopKCategoricalAccuracy(k: 2)
        try sk2.updateState(t32([2, 2], [2]), t32([0.1, 0.9, 0.8, 0.05, 0.95, 0], [2, 3]))
        try sk2.updateState(t32([1], [1, 1]), t32([0.3, 0.3, 0.4], [1, 3]))
        assertResult(sk2, 2.0 / 3.0)
        // Default k = 5: with 6 classes only the lowest score misses.
        let k5 = Metrics.TopKCategoricalAccuracy()
        XCTAssertEqual(k5.k, 5)
        try k5.updateState(t32([0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0], [2, 6]), t32([6, 5, 4, 3, 2, 1, 6, 5, 4, 3, 2, 7], [2, 6]))
        assertResult(k5, 0.5)
    }

    func testRegressionMetrics() throws {
        let batches: [([Double], [Double])] = [([0, 1, 2, 3], [0.5, 1, 1, 5]), ([1, -1], [0, 0])]
        let mae = Metrics.MeanAbsoluteError(), mse = Metrics.MeanSquaredError(), rmse = Metrics.RootMeanSquaredError()
        for (t, p) in batches {
            // Shape (B, 2): per-sample means over the last axis.
            try mae.updateState(t32(t, [t.count / 2, 2]), t32(p, [p.count / 2, 2]))
            try mse.updateState(t32(t, [t.count / 2, 2]), t32(p, [p.count / 2, 2]))
            try rmse.updateState(t32(t, [t.count / 2, 2]), t32(p, [p.count / 2, 2]))
        }
        // Rows: |e| = (0.5, 0), (1, 2), (1, 1); e² = (0.25, 0), (1, 4), (1, 1).
        assertResult(mae, (0.25 + 1.5 + 1) / 3)
        assertResult(mse, (0.125 + 2.5 + 1) / 3)
        assertResult(rmse, Glibc.sqrt((0.125 + 2.5 + 1) / 3))
        // Weighted: per-sample weights (2,) on the first batch only.
        try mse.resetState()
        try mse.updateState(t32([0, 1, 2, 3], [2, 2]), t32([0.5, 1, 1, 5], [2, 2]), sampleWeight: t32([2, 0.5], [2]))
        assertResult(mse, (0.125 * 2 + 2.5 * 0.5) / 2.5)
        XCTAssertEqual(rmse.name, "root_mean_squared_error")
    }

    func testPrecisionRecall() throws {
        /// The docstring batch, the same with sample weights, then a second batch: predictions 0.6
        /// (label 0) and 0.4 (label 1) with weights 2, 1 (for precision, fp += 2).
        func run(_ m: Metric, _ want: [Double], line: UInt = #line) throws {
            try m.updateState(t32([0, 1, 1, 1], [4]), t32([1, 0, 1, 1], [4]))
            assertResult(m, want[0], line: line)
            try m.resetState()
            try m.updateState(t32([0, 1, 1, 1], [4]), t32([1, 0, 1, 1], [4]), sampleWeight: t32([0, 0, 1, 0], [4]))
            assertResult(m, want[1], line: line)
            try m.updateState(t32([0, 1], [2, 1]), t32([0.6, 0.4], [2, 1]), sampleWeight: t32([2, 1], [2]))
            assertResult(m, want[2], line: line)
        }
        try run(try Metrics.Precision(), [2.0 / 3.0, 1, 1.0 / 3.0])
        try run(try Metrics.Recall(), [2.0 / 3.0, 1, 1.0 / 2.0])
        // A prediction exactly at the threshold is negative (strictly greater counts).
        let r2 = try Metrics.Recall()
        try r2.updateState(t32([1, 1], [2]), t32([0.5, 0.51], [2]))
        assertResult(r2, 0.5)
        // Several thresholds give a vector; class_id restricts to one column.
        let pm = try Metrics.Precision(thresholds: [0.25, 0.75])
        try pm.updateState(t32([1, 0, 1, 0], [4]), t32([0.3, 0.5, 0.8, 0.9], [4]))
        XCTAssertEqual(try pm.result().doubles, [0.5, 0.5])
        let pc = try Metrics.Precision(classId: 1)
        try pc.updateState(t32([0, 1, 1, 0, 0, 0], [3, 2]), t32([0.9, 0.8, 0.2, 0.1, 0.3, 0.7], [3, 2]))
        assertResult(pc, 0.5)
    }

    func testAUCKerasExampleAndTrapezoid() throws {
        let small = try Metrics.AUC(numThresholds: 3)
        try small.updateState(t32([0, 0, 1, 1], [4]), t32([0, 0.5, 0.3, 0.9], [4]))
        assertResult(small, 0.75)
        try small.resetState()
        try small.updateState(t32([0, 0, 1, 1], [4]), t32([0, 0.5, 0.3, 0.9], [4]), sampleWeight: t32([1, 0, 0, 1], [4]))
        assertResult(small, 1.0)

        // Default 200 thresholds over three batches with weights, against the trapezoid rule.
        let thresholds = [-1e-7] + (1...198).map { Double($0) / 199 } + [1 + 1e-7]
        var rng = LCG(state: 12345)
        func next() -> Double { rng.unit() }
        var labels: [Double] = [], preds: [Double] = [], weights: [Double] = []
        let auc = try Metrics.AUC()
        for batch in 0..<3 {
            let n = 20 + batch * 7
            let l = (0..<n).map { _ in next() < 0.4 ? 1.0 : 0.0 }
            // Scores correlated with the labels, plus exact 0 and 1 and values outside [0, 1].
            var p = l.map { Swift.min(Swift.max(0.35 * $0 + 0.65 * next(), 0), 1) }
            p[0] = 0; p[1] = 1; p[2] = 1.2; p[3] = -0.1
            let w = (0..<n).map { _ in (next() * 4).rounded() / 2 }
            try auc.updateState(t32(l, [n, 1]), t32(p, [n, 1]), sampleWeight: t32(w, [n]))
            labels += l; preds += p; weights += w
        }
        let want = referenceAUC(labels, preds, weights, thresholds: thresholds)
        XCTAssertGreaterThan(want, 0.6)
        assertResult(auc, want, atol: 1e-5)
        // From logits: the sigmoid is applied first.
        let logits = try Metrics.AUC(numThresholds: 3, fromLogits: true)
        try logits.updateState(t32([0, 0, 1, 1], [4]), t32([-10, 0, -0.9, 3], [4]))
        assertResult(logits, 0.75)
        // Explicit thresholds take the direct-comparison path and agree.
        let explicit = try Metrics.AUC(thresholds: [0.5])
        try explicit.updateState(t32([0, 0, 1, 1], [4]), t32([0, 0.5, 0.3, 0.9], [4]))
        assertResult(explicit, 0.75)
        // Minoring/majoring bound the trapezoid.
        let lo = try Metrics.AUC(numThresholds: 3, summationMethod: .minoring), hi = try Metrics.AUC(numThresholds: 3, summationMethod: .majoring)
        try lo.updateState(t32([0, 0, 1, 1], [4]), t32([0, 0.5, 0.3, 0.9], [4]))
        try hi.updateState(t32([0, 0, 1, 1], [4]), t32([0, 0.5, 0.3, 0.9], [4]))
        assertResult(lo, 0.5)
        assertResult(hi, 1.0)
    }

    func testAUCPrecisionRecallCurve() throws {
        // Perfect ranking: PR AUC 1 under majoring.
        let pr = try Metrics.AUC(numThresholds: 3, curve: .pr, summationMethod: .majoring)
        try pr.updateState(t32([0, 0, 1, 1], [4]), t32([0.1, 0.2, 0.8, 0.9], [4]))
        assertResult(pr, 1.0)
        // Interpolation (Davis & Goadrich) on the same data with 3 thresholds: counts
        // tp = [2, 2, 0], fp = [2, 0, 0]: first segment slope 0 → 0·… = 0? compute by hand:
        // i=0: dtp 0, p0 4, p1 2, slope 0, intercept 2, ratio 2, increment 0/(2+0) = 0;
        // i=1: dtp 2, p0 2, p1 0, slope 1, intercept 0, ratio 1, increment 2/(0+2) = 1.
        let pri = try Metrics.AUC(numThresholds: 3, curve: .pr)
        try pri.updateState(t32([0, 0, 1, 1], [4]), t32([0.1, 0.2, 0.8, 0.9], [4]))
        assertResult(pri, 1.0)
    }

    func testUpdatingInsideATapeRecordsNothing() throws {
        let x = t32([0.2, 0.9], [2, 1])
        let tape = GradientTape()
        tape.watch(x)
        let m = try Metrics.BinaryAccuracy()
        let y = try tape.record { () -> Tensor in
            try m.updateState(t32([0, 1], [2, 1]), x)
            return try (x * x).sum()
        }
        let g = try tape.gradient(y, [.tensor(x)])[0]!
        XCTAssertEqual(g.doubles.map { Float($0) }, [Float(0.4), Float(1.8)])
        assertResult(m, 1)
    }

    func testResolveAccuracy() throws {
        XCTAssertEqual(resolveAccuracy(lossName: nil, yTrueShape: [8, 1], yPredShape: [8, 1]), .binary)
        XCTAssertEqual(resolveAccuracy(lossName: nil, yTrueShape: [8], yPredShape: [8, 10]), .sparseCategorical)
        XCTAssertEqual(resolveAccuracy(lossName: nil, yTrueShape: [8, 1], yPredShape: [8, 10]), .sparseCategorical)
        XCTAssertEqual(resolveAccuracy(lossName: nil, yTrueShape: [8, 10], yPredShape: [8, 10]), .categorical)
        XCTAssertEqual(resolveAccuracy(lossName: "categorical_crossentropy", yTrueShape: [8, 10], yPredShape: [8, 10]), .categorical)
        // Multi-label with binary crossentropy stays binary (the loss decides).
        XCTAssertEqual(resolveAccuracy(lossName: "binary_crossentropy", yTrueShape: [8, 10], yPredShape: [8, 10]), .binary)
        XCTAssertEqual(resolveAccuracy(lossName: "bce", yTrueShape: [8, 3], yPredShape: [8, 3]), .binary)
        XCTAssertEqual(resolveAccuracy(lossName: "SparseCategoricalCrossentropy", yTrueShape: [8], yPredShape: [8, 4]), .sparseCategorical)
        // Keras 3's rule taken literally: equal rank-1 shapes are "categorical".
        XCTAssertEqual(resolveAccuracy(lossName: "mse", yTrueShape: [8], yPredShape: [8]), .categorical)
        XCTAssertEqual(resolveAccuracy(lossName: "mse", yTrueShape: [], yPredShape: []), .binary)

        let acc = try metricNamed("accuracy", lossName: "sparse_categorical_crossentropy", yTrueShape: [4], yPredShape: [4, 3])
        XCTAssertTrue(acc is Metrics.SparseCategoricalAccuracy)
        XCTAssertEqual(acc.name, "accuracy")
        XCTAssertTrue(try metricNamed("acc", yTrueShape: [4, 1], yPredShape: [4, 1]) is Metrics.BinaryAccuracy)
        XCTAssertTrue(try metricNamed("accuracy", yTrueShape: [4, 3], yPredShape: [4, 3]) is Metrics.CategoricalAccuracy)
        XCTAssertTrue(try metricNamed("mae") is Metrics.MeanAbsoluteError)
        XCTAssertTrue(try metricNamed("rmse") is Metrics.RootMeanSquaredError)
        XCTAssertTrue(try metricNamed("AUC") is Metrics.AUC)
        XCTAssertTrue(try metricNamed("precision") is Metrics.Precision)
        // A loss name as a metric: the mean of the per-sample loss.
        let hinge = try metricNamed("hinge")
        try hinge.updateState(t32([1, 0], [2, 1]), t32([0.5, 0.5], [2, 1]))
        assertResult(hinge, (0.5 + 1.5) / 2)
        // Names resolve through the one registry (every class name and alias it lists): a
        // function name or alias names the metric, a class name gives the default name (Keras).
        XCTAssertTrue(try metricNamed("Accuracy") is Metrics.Accuracy)
        XCTAssertEqual(try metricNamed("mae").name, "mae")
        XCTAssertEqual(try metricNamed("MeanAbsoluteError").name, "mean_absolute_error")
        XCTAssertEqual(try metricNamed("binary_accuracy").name, "binary_accuracy")
        // (classes with a required argument fail by name naming it, as Keras' constructors do)
        let required = ["SensitivityAtSpecificity": "specificity", "SpecificityAtSensitivity": "sensitivity",
                        "PrecisionAtRecall": "recall", "RecallAtPrecision": "precision", "IoU": "num_classes",
                        "MeanIoU": "num_classes"]
        for className in KerasRegistry.builtinClassNames(.metric) {
            if let arg = required[className] {
                assertError(.invalidArgument, "\(className).from_config: missing required argument '\(arg)'") {
                    try metricNamed(className)
                }
            } else {
                XCTAssertNoThrow(try metricNamed(className), className)
            }
        }
        assertError(.invalidArgument, "Could not interpret metric identifier: 'accurasy'") { try metricNamed("accurasy") }
        assertError(.invalidArgument, "metric 'accuracy': resolving accuracy needs the shapes of y_true and y_pred") {
            try metricNamed("accuracy")
        }
    }

    func testBadInputErrors() throws {
        assertError(.invalidArgument, "categorical_accuracy: y_true of shape (2, 3) does not match y_pred of shape (3, 3)") {
            try Metrics.CategoricalAccuracy().updateState(t32([0, 1, 0, 1, 0, 0], [2, 3]), t32([0, 1, 0, 0, 1, 0, 0, 0, 1], [3, 3]))
        }
        assertError(.invalidArgument, "sparse_categorical_accuracy: y_true of shape (3,) does not match y_pred of shape (2, 4)") {
            try Metrics.SparseCategoricalAccuracy().updateState(t32([0, 1, 2], [3]), t32([0, 1, 0, 0, 1, 0, 0, 0], [2, 4]))
        }
        assertError(.invalidArgument, "precision: y_true of shape (3,) does not match y_pred of shape (2,)") {
            try Metrics.Precision().updateState(t32([0, 1, 1], [3]), t32([0.2, 0.9], [2]))
        }
        assertError(.invalidArgument, "auc: sample_weight of shape (3,) cannot be broadcast to y_pred of shape (2,)") {
            try Metrics.AUC().updateState(t32([0, 1], [2]), t32([0.2, 0.9], [2]), sampleWeight: t32([1, 1, 1], [3]))
        }
        assertError(.invalidArgument, "auc: y_pred of shape (2,) contains NaN") {
            try Metrics.AUC().updateState(t32([0, 1], [2]), t32([.nan, 0.9], [2]))
        }
        assertError(.invalidArgument, "mean: sample_weight of shape (3,) cannot be broadcast to the values of shape (2,)") {
            try Metrics.Mean().update(values: t32([1, 2], [2]), sampleWeight: t32([1, 1, 1], [3]))
        }
        assertError(.invalidArgument, "Precision: threshold values must be in [0, 1], got [1.5]") {
            try Metrics.Precision(thresholds: [0.5, 1.5])
        }
        assertError(.invalidArgument, "BinaryAccuracy: threshold must be in the interval (0, 1), got 1.0") {
            try Metrics.BinaryAccuracy(threshold: 1)
        }
        assertError(.invalidArgument, "AUC: num_thresholds must be > 1, got 1") { try Metrics.AUC(numThresholds: 1) }
        assertError(.invalidArgument, "precision: class_id 2 needs y_pred of shape (num_samples, num_classes) with more than 2 classes, got shape (2, 2)") {
            try Metrics.Precision(classId: 2).updateState(t32([0, 1, 1, 0], [2, 2]), t32([0.2, 0.9, 0.1, 0.3], [2, 2]))
        }
        // A failed update leaves the state untouched.
        let m = try Metrics.BinaryAccuracy()
        try m.updateState(t32([1], [1]), t32([0.9], [1]))
        _ = try? m.updateState(t32([1, 0, 1], [3, 1]), t32([0.9, 0.2], [2, 1]))
        assertResult(m, 1)
    }
}
