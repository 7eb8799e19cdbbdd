import XCTest
import Foundation
@testable import SwiftKerasCore
@testable import SwiftKeras

// The core callbacks against tf-keras 2 behaviour (oracles from tf_keras/callbacks_test.py where
// it has them): the one monitor rule, EarlyStopping (patience, baseline, start_from_epoch,
// restore_best_weights), ReduceLROnPlateau, ModelCheckpoint paths and files, CSVLogger's file,
// TerminateOnNaN, LearningRateScheduler, logs shared along the callbacks, configs by class name,
// and Python's number formatting.

/// A one-weight model whose kernel we set to mark the epoch (as tf-keras' DummyModel does).
private func markerModel(lr: Double = 0.1) throws -> Sequential {
    let m = try Sequential([Dense(units: 1, useBias: false, kernelInitializer: Zeros(), inputShape: [1])])
    try m.compile(optimizer: SGD(learningRate: .constant(lr)), loss: Losses.MeanSquaredError())
    return m
}

private func mark(_ m: Model, _ v: Double) throws { try m.setWeights([t32([v], [1, 1])]) }
private func marker(_ m: Model) -> Double { m.getWeights()[0].doubles[0] }

/// Drives a callback through epochs with scripted logs, as fit would (model set, stop honoured).
/// Returns the number of epochs run.
@discardableResult
private func drive(_ cb: Callback, _ model: Model, _ values: [Double], key: String = "val_loss",
                   marking: Bool = false) throws -> Int {
    cb.model = model
    cb.params = ["epochs": values.count, "steps": 1, "verbose": 0]
    model.stopTraining = false
    try cb.onTrainBegin(logs: [:])
    var run = 0
    for (e, v) in values.enumerated() {
        run += 1
        if marking { try mark(model, Double(e)) }
        var logs: Logs = [key: v]
        try cb.onEpochEnd(e, updating: &logs)
        if model.stopTraining { break }
    }
    try cb.onTrainEnd(logs: [:])
    return run
}

final class CallbackTests: XCTestCase {
    // MARK: The monitor rule

    func testAutoModeIsTheSameForEveryMonitorCallback() throws {
        let names = ["loss", "val_loss", "acc", "val_acc", "accuracy", "val_accuracy", "categorical_accuracy",
                     "val_sparse_top_k_categorical_accuracy", "auc", "val_auc", "my_auc_1", "fmeasure", "mae", "val_mse"]
        for n in names {
            let want: MonitorMode = n.contains("acc") || n.contains("auc") || n.hasPrefix("fmeasure") ? .max : .min
            XCTAssertEqual(try EarlyStopping(monitor: n).mode, want, n)
            XCTAssertEqual(try ReduceLROnPlateau(monitor: n).mode, want, n)
            XCTAssertEqual(try ModelCheckpoint(filepath: "m.h5", monitor: n).mode, want, n)
            XCTAssertEqual(try ModelCheckpoint(filepath: "m.h5", monitor: n, mode: .min).mode, .min, n)
        }
        // tf-keras' ReduceLROnPlateau alone said "min" for "val_auc": now one rule.
        XCTAssertEqual(try ReduceLROnPlateau(monitor: "val_auc").mode, .max)
        // The improvement test: strictly better by more than minDelta, NaN never.
        let m = MonitorCallback(monitor: "loss", mode: .auto, minDelta: -0.5)
        XCTAssertEqual(m.minDelta, 0.5)
        XCTAssertTrue(m.isImprovement(1.0, over: 1.6))
        XCTAssertFalse(m.isImprovement(1.0, over: 1.5))
        XCTAssertFalse(m.isImprovement(.nan, over: .infinity))
        XCTAssertEqual(m.best, .infinity)
        let up = MonitorCallback(monitor: "val_accuracy", mode: .auto, minDelta: 0)
        XCTAssertEqual(up.best, -.infinity)
        XCTAssertTrue(up.isImprovement(0.5, over: 0.4))
        XCTAssertFalse(up.isImprovement(0.4, over: 0.4))
        assertError(.invalidArgument, "EarlyStopping: mode must be one of 'auto', 'min', 'max', got 'up'") {
            try CallbackRegistry.make(className: "EarlyStopping", config: .object(["mode": .string("up")]))
        }
    }

    // MARK: EarlyStopping

    /// tf-keras test_EarlyStopping_patience: stopped_epoch == max(patience, 1) + 2.
    func testEarlyStoppingPatience() throws {
        let model = try markerModel()
        let losses = [10.0, 9.0, 8.0, 9.0, 8.9, 8.8, 8.7, 8.6, 8.5]
        for patience in 0...3 {
            let es = try EarlyStopping(monitor: "loss", patience: patience)
            try drive(es, model, losses, key: "loss")
            XCTAssertEqual(es.stoppedEpoch, max(patience, 1) + 2, "patience \(patience)")
        }
    }

    /// tf-keras test_EarlyStopping_final_weights_when_restoring_model_weights, both cases.
    func testEarlyStoppingRestoresTheBestEpoch() throws {
        let model = try markerModel()
        let es = try EarlyStopping(monitor: "val_loss", patience: 2, restoreBestWeights: true)
        XCTAssertEqual(try drive(es, model, [0.2, 0.15, 0.1, 0.11, 0.12], marking: true), 5)
        XCTAssertEqual(marker(model), 2)
        // No epoch beats the baseline: patience epochs run, the best of them is restored.
        let es2 = try EarlyStopping(monitor: "val_loss", patience: 5, baseline: 0.5, restoreBestWeights: true)
        XCTAssertEqual(try drive(es2, model, [0.9, 0.8, 0.7, 0.71, 0.72, 0.73], marking: true), 5)
        XCTAssertEqual(marker(model), 2)
        XCTAssertEqual(es2.stoppedEpoch, 4)
        // Training that ends without a stop restores too (tf-keras 2), from the best epoch.
        let es3 = try EarlyStopping(monitor: "val_loss", patience: 10, restoreBestWeights: true)
        XCTAssertEqual(try drive(es3, model, [0.5, 0.3, 0.4], marking: true), 3)
        XCTAssertEqual(es3.stoppedEpoch, 0)
        XCTAssertEqual(marker(model), 1)
        // Nothing monitored: nothing restored.
        let es4 = try EarlyStopping(monitor: "val_loss", restoreBestWeights: true)
        try mark(model, 7)
        try drive(es4, model, [1, 2], key: "loss")
        XCTAssertEqual(marker(model), 7)
    }

    /// Regression (Python ignored `baseline`): a baseline never beaten stops after `patience`
    /// epochs even though the first epoch is the best so far.
    func testEarlyStoppingHonoursTheBaseline() throws {
        let model = try markerModel()
        let es = try EarlyStopping(monitor: "val_loss", patience: 2, baseline: 0.5)
        XCTAssertEqual(try drive(es, model, [0.9, 0.9, 0.9, 0.9, 0.9]), 2)
        XCTAssertEqual(es.stoppedEpoch, 1)
        let plain = try EarlyStopping(monitor: "val_loss", patience: 2)
        XCTAssertEqual(try drive(plain, model, [0.9, 0.9, 0.9, 0.9, 0.9]), 3)
        // Beating the baseline resets the count as usual.
        let beat = try EarlyStopping(monitor: "val_loss", patience: 1, baseline: 0.5)
        XCTAssertEqual(try drive(beat, model, [0.4, 0.3, 0.35, 0.2]), 3)
        // tf-keras test_EarlyStopping_with_baseline (patience 0, "acc" never reaching 0.6): 2 epochs.
        let acc = try EarlyStopping(monitor: "acc", baseline: 0.6)
        XCTAssertEqual(try drive(acc, model, [0.5, 0.5, 0.5, 0.5], key: "acc"), 2)
    }

    func testEarlyStoppingStartFromEpoch() throws {
        let model = try markerModel()
        let warm = try EarlyStopping(monitor: "loss", patience: 1, startFromEpoch: 2)
        XCTAssertEqual(try drive(warm, model, [1, 2, 3, 3, 3, 3, 3], key: "loss"), 4)
        XCTAssertEqual(warm.stoppedEpoch, 3)
        let cold = try EarlyStopping(monitor: "loss", patience: 1)
        XCTAssertEqual(try drive(cold, model, [1, 2, 3, 3, 3, 3, 3], key: "loss"), 2)
        XCTAssertEqual(cold.stoppedEpoch, 1)
    }

    func testEarlyStoppingInFitAndItsMessages() throws {
        let model = try markerModel()
        let x = t32([1, 2, 3, 4], [4, 1]), y = t32([1, 2, 3, 4], [4, 1])
        let flat = LambdaCallback(onEpochEnd: { _, _ in })
        let es = try EarlyStopping(monitor: "constant", patience: 1, restoreBestWeights: true, verbose: 1)
        final class Constant: Callback {
            override func onEpochEnd(_ epoch: Int, updating logs: inout Logs) throws { logs["constant"] = 1 }
        }
        var h: History?
        let lines = try capturingOutput {
            h = try model.fit(x: x, y: y, batchSize: 4, epochs: 10, verbose: 0, callbacks: [flat, Constant(), es], shuffle: false)
        }
        XCTAssertEqual(h?.epochs, [0, 1])
        XCTAssertEqual(h?["constant"], [1, 1])
        XCTAssertEqual(lines, ["Epoch 2: early stopping", "Restoring model weights from the end of the best epoch: 1."])
    }

    // MARK: ReduceLROnPlateau

    /// tf-keras test_ReduceLROnPlateau_patience: the rate stays 1.0 until the last epoch.
    func testReduceLROnPlateauPatience() throws {
        let model = try markerModel(lr: 1.0)
        let rl = try ReduceLROnPlateau(monitor: "val_loss", patience: 2)
        rl.model = model
        try rl.onTrainBegin(logs: [:])
        var lrs: [Double] = []
        var logged: [Double] = []
        for (e, v) in [0.0860, 0.1096, 0.1040].enumerated() {
            var logs: Logs = ["val_loss": v]
            try rl.onEpochEnd(e, updating: &logs)
            logged.append(logs["learning_rate"] ?? -1)
            lrs.append(try model.optimizer!.currentLearningRate())
        }
        XCTAssertEqual(lrs, [1.0, 1.0, 0.1])
        XCTAssertEqual(logged, [1.0, 1.0, 1.0])   // logged before the reduction
        XCTAssertEqual(rl.state("wait"), 0)
    }

    func testReduceLROnPlateauCooldownAndMinLR() throws {
        // The Python oracle of test_keras_fit: flat val_loss, factor 0.5, patience 1, cooldown 2,
        // min_lr 0.03 from 0.1: rates logged [0.1, 0.1, 0.05, 0.05, 0.03, 0.03, 0.03].
        let model = try markerModel(lr: 0.1)
        let rl = try ReduceLROnPlateau(monitor: "val_loss", factor: 0.5, patience: 1, cooldown: 2, minLR: 0.03)
        rl.model = model
        try rl.onTrainBegin(logs: [:])
        var logged: [Double] = []
        for e in 0..<7 {
            var logs: Logs = ["val_loss": 1]
            try rl.onEpochEnd(e, updating: &logs)
            logged.append(logs["learning_rate"] ?? -1)
        }
        XCTAssertEqual(logged.count, 7)
        for (a, b) in zip(logged, [0.1, 0.1, 0.05, 0.05, 0.03, 0.03, 0.03]) { XCTAssertEqual(a, b, accuracy: 1e-12) }
    }

    // MARK: Python formatting

    func testPythonFormatAndRepr() throws {
        func f(_ t: String, _ a: [String: PythonFormat.Argument]) throws -> String {
            try PythonFormat.format(t, a) { "no \($0)" }
        }
        // Expected strings are Python 3's.
        XCTAssertEqual(try f("{epoch:02d}", ["epoch": .int(3)]), "03")
        XCTAssertEqual(try f("{v:.2f}", ["v": .double(0.456)]), "0.46")
        XCTAssertEqual(try f("{x:.3e}", ["x": .double(12345.678)]), "1.235e+04")
        XCTAssertEqual(try f("{x:g}", ["x": .double(1e-5)]), "1e-05")
        XCTAssertEqual(try f("{x:g}", ["x": .double(0.0001)]), "0.0001")
        XCTAssertEqual(try f("{x:g}", ["x": .double(123456789)]), "1.23457e+08")
        XCTAssertEqual(try f("{x}", ["x": .double(0.1)]), "0.1")
        XCTAssertEqual(try f("{x}", ["x": .double(1e16)]), "1e+16")
        XCTAssertEqual(try f("{x}", ["x": .double(5)]), "5.0")
        XCTAssertEqual(try f("[{x:>8.2f}]", ["x": .double(3.14159)]), "[    3.14]")
        XCTAssertEqual(try f("{x:+.1f}", ["x": .double(2)]), "+2.0")
        XCTAssertEqual(try f("{x:.1%}", ["x": .double(0.256)]), "25.6%")
        XCTAssertEqual(try f("[{e:5d}]", ["e": .int(7)]), "[    7]")
        XCTAssertEqual(try f("{e:<4}|", ["e": .int(7)]), "7   |")
        XCTAssertEqual(try f("{{epoch}}", [:]), "{epoch}")
        XCTAssertEqual(try f("{e:.2f}", ["e": .int(7)]), "7.00")
        XCTAssertEqual(try f("{x:.2f}", ["x": .double(0.125)]), "0.12")
        XCTAssertEqual(try f("{x:.2f}", ["x": .double(-0.125)]), "-0.12")
        XCTAssertEqual(try f("[{x:^9.1f}]", ["x": .double(-1.25)]), "[  -1.2   ]")
        XCTAssertEqual(try f("{x:08.3f}", ["x": .double(-3.14159)]), "-003.142")
        XCTAssertEqual(try f("{x:.3}", ["x": .double(2)]), "2.0")
        XCTAssertEqual(try f("{x:.3}", ["x": .double(1234.5)]), "1.23e+03")
        assertError(.invalidArgument, "cannot format '{x:d}': unknown format code 'd' for object of type 'float'") {
            try f("{x:d}", ["x": .double(1)])
        }
        assertError(.invalidArgument, "no y") { try f("{y}", [:]) }
        assertError(.invalidArgument, "cannot format 'a}b': single '}' encountered in format string") { try f("a}b", [:]) }
        assertError(.invalidArgument, "cannot format '{a': expected '}' before end of string") { try f("{a", [:]) }
        XCTAssertEqual(PythonFormat.repr(9.5e15), "9500000000000000.0")
        XCTAssertEqual(PythonFormat.repr(1.5e-5), "1.5e-05")
        XCTAssertEqual(PythonFormat.repr(0.1 + 0.2), "0.30000000000000004")
        XCTAssertEqual(PythonFormat.repr(-0.5), "-0.5")
        XCTAssertEqual(PythonFormat.repr(1e22), "1e+22")
        XCTAssertEqual(PythonFormat.repr(123), "123.0")
        XCTAssertEqual(PythonFormat.repr(0), "0.0")
        XCTAssertEqual(PythonFormat.repr(.nan), "nan")
        XCTAssertEqual(PythonFormat.repr(-.infinity), "-inf")
    }

    // MARK: ModelCheckpoint

    func testModelCheckpointFilesAndFormattedNames() throws {
        let dir = makeTempDir("sk-callbacks")
        defer { removeTree(dir) }
        let model = try markerModel()
        let x = t32([1, 2, 3, 4], [4, 1]), y = t32([1, 2, 3, 4], [4, 1])
        let scripted = [1.0, 0.5, 0.7, 0.3, 0.3]
        final class Script: Callback {
            let values: [Double]
            init(_ v: [Double]) { values = v }
            override func onEpochEnd(_ epoch: Int, updating logs: inout Logs) throws { logs["val_loss"] = values[epoch] }
        }
        var snapshots: [Double] = []
        let snap = LambdaCallback(onEpochEnd: { _, _ in snapshots.append(marker(model)) })
        let ck = try ModelCheckpoint(filepath: dir + "/sub/w.{epoch:02d}-{val_loss:.2f}.h5", saveBestOnly: true,
                                     saveWeightsOnly: true)
        try model.fit(x: x, y: y, batchSize: 4, epochs: 5, verbose: 0, callbacks: [Script(scripted), ck, snap], shuffle: false)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir + "/sub").sorted(),
                       ["w.01-1.00.h5", "w.02-0.50.h5", "w.04-0.30.h5"])
        XCTAssertEqual(ck.best, 0.3)
        XCTAssertEqual(ck.savedEpochs, [0, 1, 3])
        let fresh = try markerModel()
        try fresh.loadWeights(from: dir + "/sub/w.04-0.30.h5")
        XCTAssertEqual(marker(fresh), snapshots[3])
        // Whole models every epoch, verbose messages, per-batch saving with {batch}.
        let full = try ModelCheckpoint(filepath: dir + "/m{epoch}.h5", verbose: 1)
        let lines = try capturingOutput { try model.fit(x: x, y: y, batchSize: 2, epochs: 2, verbose: 0, callbacks: [full]) }
        XCTAssertEqual(lines, ["Epoch 1: saving model to \(dir)/m1.h5", "Epoch 2: saving model to \(dir)/m2.h5"])
        let loaded = try loadModel(from: dir + "/m2.h5")
        XCTAssertEqual(marker(loaded), marker(model))
        let perBatch = try ModelCheckpoint(filepath: dir + "/b{epoch}-{batch}.safetensors", saveWeightsOnly: true,
                                           saveFrequency: .batches(2))
        try model.fit(x: x, y: y, batchSize: 1, epochs: 2, verbose: 0, callbacks: [perBatch])
        XCTAssertEqual(perBatch.savedPaths.map { String($0.dropFirst(dir.count + 1)) },
                       ["b1-2.safetensors", "b1-4.safetensors", "b2-2.safetensors", "b2-4.safetensors"])
        // Best-only messages as tf-keras; the best persists across fits.
        let best = try ModelCheckpoint(filepath: dir + "/best.h5", monitor: "loss", verbose: 1, saveBestOnly: true,
                                       initialValueThreshold: 0)
        let none = try capturingOutput { try model.fit(x: x, y: y, batchSize: 4, epochs: 1, verbose: 0, callbacks: [best]) }
        XCTAssertEqual(none.count, 1)
        XCTAssertTrue(none[0].hasPrefix("Epoch 1: loss did not improve from 0.00000"), none[0])
        // Any path, as tf.keras 2 (Keras 3's suffix rule is not tf.keras 2's); weights alone to .keras are refused.
        XCTAssertTrue(try ModelCheckpoint(filepath: "w.h5", saveWeightsOnly: true).saveWeightsOnly)
        XCTAssertEqual(try ModelCheckpoint(filepath: "w.ckpt").filepath, "w.ckpt")
        XCTAssertEqual(try ModelCheckpoint(filepath: "w.keras").filepath, "w.keras")
        assertError(.unimplemented, "ModelCheckpoint: 'w.keras': weights alone are not written to a '.keras' path (a whole-model zip; tf.keras 2 writes a TensorFlow checkpoint there): use a '.weights.h5' path (Keras' weights file), '.h5' (tf.keras 2's HDF5 layout) or model.save for the .keras file") {
            try ModelCheckpoint(filepath: "w.keras", saveWeightsOnly: true)
        }
        let bad = try ModelCheckpoint(filepath: dir + "/{nope}.h5")
        assertError(.invalidArgument, "ModelCheckpoint: failed to format filepath '\(dir)/{nope}.h5': no value for 'nope' in the logs (keys: loss)") {
            try model.fit(x: x, y: y, epochs: 1, verbose: 0, callbacks: [bad])
        }
    }

    // MARK: CSVLogger

    func testCSVLoggerFileFormat() throws {
        let dir = makeTempDir("sk-callbacks")
        defer { removeTree(dir) }
        let path = dir + "/log.csv"
        let model = try markerModel()
        let csv = try CSVLogger(filename: path)
        csv.model = model
        try csv.onTrainBegin(logs: [:])
        try csv.onEpochEnd(0, logs: ["loss": 0.5, "accuracy": 0.25])
        try csv.onEpochEnd(1, logs: ["loss": 0.1 + 0.2, "accuracy": 1])
        try csv.onTrainEnd(logs: [:])
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8),
                       "epoch,accuracy,loss,val_accuracy,val_loss\r\n0,0.25,0.5,NA,NA\r\n1,1.0,0.30000000000000004,NA,NA\r\n")
        // append: no second header; a new logger on a non-empty file writes none either.
        let more = try CSVLogger(filename: path, append: true)
        try more.onTrainBegin(logs: [:])
        try more.onEpochEnd(0, logs: ["loss": 2, "val_loss": 3])
        try more.onTrainEnd(logs: [:])
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8),
                       "epoch,accuracy,loss,val_accuracy,val_loss\r\n0,0.25,0.5,NA,NA\r\n1,1.0,0.30000000000000004,NA,NA\r\n0,2.0,3.0\r\n")
        // separator, quoting of names holding it, val_ names present: none added.
        let semi = try CSVLogger(filename: path, separator: ";")
        try semi.onTrainBegin(logs: [:])
        try semi.onEpochEnd(4, logs: ["a;b": 1e-7, "val_x": -2])
        try semi.onTrainEnd(logs: [:])
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "epoch;\"a;b\";val_x\r\n4;1e-07;-2.0\r\n")
        // Through fit: rows hold the history's values.
        let x = t32([1, 2, 3, 4], [4, 1]), y = t32([1, 2, 3, 4], [4, 1])
        let fitLog = try CSVLogger(filename: path)
        let h = try model.fit(x: x, y: y, batchSize: 2, epochs: 2, verbose: 0, callbacks: [fitLog])
        let rows = try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\r\n")
        XCTAssertEqual(rows, ["epoch,loss,val_loss", "0,\(PythonFormat.repr(h["loss"]![0])),NA",
                              "1,\(PythonFormat.repr(h["loss"]![1])),NA", ""])
        assertError(.invalidArgument, "CSVLogger: the separator must be a 1-character string, got ';;'") {
            try CSVLogger(filename: path, separator: ";;")
        }
        let nowhere = try CSVLogger(filename: dir + "/missing/dir/log.csv")
        XCTAssertThrowsError(try nowhere.onTrainBegin(logs: [:])) { e in
            XCTAssertEqual((e as? SwiftKerasError)?.kind, .io)
        }
    }

    // MARK: TerminateOnNaN, LearningRateScheduler, ProgbarLogger, shared logs

    func testTerminateOnNaNStopsAtTheBatch() throws {
        let model = try markerModel()
        let x = t32([1, 2, .nan, 4, 5, 6], [6, 1]), y = t32([1, 2, 3, 4, 5, 6], [6, 1])
        var batches: [Int] = []
        let rec = LambdaCallback(onTrainBatchEnd: { b, _ in batches.append(b) })
        var h: History?
        let lines = try capturingOutput {
            h = try model.fit(x: x, y: y, batchSize: 2, epochs: 5, verbose: 0, callbacks: [TerminateOnNaN(), rec], shuffle: false)
        }
        XCTAssertEqual(lines, ["Batch 1: Invalid loss, terminating training"])
        XCTAssertEqual(batches, [0, 1])
        XCTAssertEqual(h?.epochs, [0])
        XCTAssertTrue(h?["loss"]?[0].isNaN ?? false)
    }

    /// tf-keras' docstring example: lr kept 10 epochs, then times exp(-0.1): 0.01 -> 0.00607
    /// after 15 epochs.
    func testLearningRateScheduler() throws {
        let model = try markerModel(lr: 0.01)
        let x = t32([0, 0], [2, 1]), y = t32([0, 0], [2, 1])
        let sched = LearningRateScheduler { epoch, lr in epoch < 10 ? lr : lr * exp(-0.1) }
        let h = try model.fit(x: x, y: y, batchSize: 2, epochs: 15, verbose: 0, callbacks: [sched])
        XCTAssertEqual(try model.optimizer!.currentLearningRate(), 0.00607, accuracy: 5e-6)
        let lrs = h["learning_rate"] ?? []
        XCTAssertEqual(lrs.count, 15)
        for e in 0..<15 { XCTAssertEqual(lrs[e], 0.01 * exp(-0.1 * Double(max(0, e - 9))), accuracy: 1e-12) }
        let loud = LearningRateScheduler(verbose: 1) { e, _ in 0.5 / Double(e + 1) }
        let lines = try capturingOutput { try model.fit(x: x, y: y, batchSize: 2, epochs: 2, verbose: 0, callbacks: [loud]) }
        XCTAssertEqual(lines, ["Epoch 1: LearningRateScheduler setting learning rate to 0.5.",
                               "Epoch 2: LearningRateScheduler setting learning rate to 0.25."])
        let bad = LearningRateScheduler { _, _ in .nan }
        assertError(.invalidArgument, "LearningRateScheduler: the schedule returned nan for epoch 0; the learning rate must be a finite float") {
            try model.fit(x: x, y: y, epochs: 1, verbose: 0, callbacks: [bad])
        }
    }

    func testPassedProgbarLoggerAndHistoryAreUsed() throws {
        let model = try markerModel()
        let x = t32([1, 2], [2, 1]), y = t32([1, 2], [2, 1])
        let lines = try capturingOutput {
            try model.fit(x: x, y: y, batchSize: 2, epochs: 2, verbose: 2, callbacks: [ProgbarLogger()])
        }
        XCTAssertEqual(lines.count, 4)   // "Epoch i/2" and one line per epoch: no second logger
        let mine = History()
        let h = try model.fit(x: x, y: y, batchSize: 2, epochs: 1, verbose: 0, callbacks: [mine])
        XCTAssertTrue(h === mine)
        XCTAssertEqual(mine.params, ["epochs": 1, "steps": 1, "verbose": 0])
    }

    // MARK: Configs by class name

    func testCallbacksFromConfigs() throws {
        func make(_ c: String, _ json: String) throws -> Callback {
            try CallbackRegistry.make(className: c, config: try ConfigValue.parse(json: json))
        }
        let es = try XCTUnwrap(try make("EarlyStopping", #"{"monitor": "val_accuracy", "min_delta": -0.1, "patience": 3, "baseline": 0.9, "restore_best_weights": true, "start_from_epoch": 2, "verbose": 1}"#) as? EarlyStopping)
        XCTAssertEqual(es.monitor, "val_accuracy")
        XCTAssertEqual(es.mode, .max)
        XCTAssertEqual(es.minDelta, 0.1)
        XCTAssertEqual(es.patience, 3)
        XCTAssertEqual(es.baseline, 0.9)
        XCTAssertTrue(es.restoreBestWeights)
        XCTAssertEqual(es.startFromEpoch, 2)
        XCTAssertEqual(es.verbose, 1)
        let defaults = try XCTUnwrap(try CallbackRegistry.make(className: "EarlyStopping", config: nil) as? EarlyStopping)
        XCTAssertEqual(defaults.monitor, "val_loss")
        XCTAssertEqual(defaults.verbose, 0)
        let rl = try XCTUnwrap(try make("ReduceLROnPlateau", #"{"factor": 0.5, "patience": 2, "min_lr": 0.01, "cooldown": 1, "mode": "max"}"#) as? ReduceLROnPlateau)
        XCTAssertEqual(rl.factor, 0.5)
        XCTAssertEqual(rl.patience, 2)
        XCTAssertEqual(rl.minLR, 0.01)
        XCTAssertEqual(rl.cooldown, 1)
        XCTAssertEqual(rl.mode, .max)
        XCTAssertEqual(rl.minDelta, 1e-4)
        let ck = try XCTUnwrap(try make("ModelCheckpoint", #"{"filepath": "w{epoch}.h5", "save_weights_only": true, "save_freq": 3, "initial_value_threshold": 0.5}"#) as? ModelCheckpoint)
        XCTAssertEqual(ck.saveFrequency, .batches(3))
        XCTAssertEqual(ck.best, 0.5)
        XCTAssertTrue(try make("TerminateOnNaN", "{}") is TerminateOnNaN)
        XCTAssertTrue(try make("History", "{}") is History)
        XCTAssertTrue(try make("ProgbarLogger", #"{"count_mode": "steps", "stateful_metrics": null}"#) is ProgbarLogger)
        let csv = try XCTUnwrap(try make("CSVLogger", #"{"filename": "x.csv", "separator": ";", "append": true}"#) as? CSVLogger)
        XCTAssertEqual(csv.separator, ";")
        XCTAssertTrue(csv.append)
        // Every class gives its config back: the same config again from the object it makes.
        let configs = [
            "EarlyStopping": #"{"monitor": "val_auc", "min_delta": 0.5, "patience": 3, "baseline": 0.9, "start_from_epoch": 1}"#,
            "ReduceLROnPlateau": #"{"factor": 0.5, "patience": 2, "min_lr": 0.01, "cooldown": 1, "mode": "max", "verbose": 1}"#,
            "ModelCheckpoint": #"{"filepath": "w{epoch}.h5", "save_weights_only": true, "save_freq": 3, "initial_value_threshold": 0.5}"#,
            "TerminateOnNaN": "{}", "History": "{}", "ProgbarLogger": "{}",
            "CSVLogger": #"{"filename": "x.csv", "separator": ";", "append": true}"#,
        ]
        for (cls, json) in configs {
            let a = try XCTUnwrap(try make(cls, json) as? any ConfigurableCallback)
            let config = try a.getConfig()
            let b = try XCTUnwrap(try CallbackRegistry.make(className: cls, config: config) as? any ConfigurableCallback)
            XCTAssertEqual(try b.getConfig(), config, cls)
        }
        XCTAssertEqual(try es.getConfig()["mode"], .string("max"))
        XCTAssertEqual(try ck.getConfig()["save_freq"], .int(3))
        XCTAssertEqual(try ck.getConfig()["initial_value_threshold"], .double(0.5))
        assertError(.unimplemented, "ModelCheckpoint: a checkpoint with a saver closure has no config") {
            try ModelCheckpoint(filepath: "x") { _, _ in }.getConfig()
        }
        assertError(.invalidArgument, "callbacks: unknown callback class 'Nope' (known: BackupAndRestore, CSVLogger, EarlyStopping, History, ModelCheckpoint, ProgbarLogger, ReduceLROnPlateau, TensorBoard, TerminateOnNaN)") {
            try make("Nope", "{}")
        }
        assertError(.invalidArgument, "callbacks: LearningRateScheduler cannot be created from a config: it needs a schedule function (sk_callback_create_lr_scheduler from C)") {
            try make("LearningRateScheduler", "{}")
        }
        assertError(.invalidArgument, "EarlyStopping: unrecognized config key(s) 'patient'") { try make("EarlyStopping", #"{"patient": 1}"#) }
        assertError(.invalidArgument, "EarlyStopping: 'patience' must be an integer, got a string (\"3\")") {
            try make("EarlyStopping", #"{"patience": "3"}"#)
        }
        assertError(.invalidArgument, "ModelCheckpoint: the config needs a 'filepath'") { try make("ModelCheckpoint", "{}") }
        assertError(.invalidArgument, "Unrecognized save_freq: \"often\". Expected save_freq are 'epoch' or integer values") {
            try make("ModelCheckpoint", #"{"filepath": "m.h5", "save_freq": "often"}"#)
        }
        assertError(.invalidArgument, "ReduceLROnPlateau does not support a factor >= 1.0. Received factor=2.0") {
            try make("ReduceLROnPlateau", #"{"factor": 2}"#)
        }
        assertError(.unimplemented, "ProgbarLogger: count_mode 'samples' is not supported (only 'steps')") {
            try make("ProgbarLogger", #"{"count_mode": "samples"}"#)
        }
    }
}
