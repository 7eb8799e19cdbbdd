import XCTest
import Glibc
@testable import SwiftKerasCore
@testable import SwiftKeras

// The tf.keras 2 metrics and callbacks of issue 12 point 7 in the core: docstring examples of
// tf_keras/src/metrics/*.py, config round trips through the registry, CRC-32C check values and
// the TFRecord framing of event files, BackupAndRestore's resume epoch.

final class KerasMetricsCallbacksIssue12Tests: XCTestCase {
    private func result(_ m: Metric) throws -> Double { try m.result().scalarDouble() }

    func testDocstringExamples() throws {
        let sas = try Metrics.SensitivityAtSpecificity(0.5)
        try sas.updateState(t32([0, 0, 0, 1, 1], [5]), t32([0, 0.3, 0.8, 0.3, 0.8], [5]))
        XCTAssertEqual(try result(sas), 0.5, accuracy: 1e-6)
        try sas.resetState()
        try sas.updateState(t32([0, 0, 0, 1, 1], [5]), t32([0, 0.3, 0.8, 0.3, 0.8], [5]), sampleWeight: t32([1, 1, 2, 2, 1], [5]))
        XCTAssertEqual(try result(sas), 1.0 / 3.0, accuracy: 1e-6)

        let iou = try Metrics.IoU(numClasses: 2, targetClassIds: [0])
        try iou.updateState(t32([0, 0, 1, 1], [4]), t32([0, 1, 0, 1], [4]))
        XCTAssertEqual(try result(iou), 1.0 / 3.0, accuracy: 1e-6)

        let r2 = try Metrics.R2Score()
        try r2.updateState(t32([1, 4, 3], [3, 1]), t32([2, 4, 4], [3, 1]))
        XCTAssertEqual(try result(r2), 0.57142854, accuracy: 1e-6)

        let f1 = try Metrics.F1Score(threshold: 0.5)
        try f1.updateState(t32([1, 1, 1, 1, 0, 0, 1, 1, 0], [3, 3]), t32([0.2, 0.6, 0.7, 0.2, 0.6, 0.6, 0.6, 0.8, 0.0], [3, 3]))
        for (got, want) in zip(try f1.result().doubles, [0.5, 0.8, 0.6666667]) { XCTAssertEqual(got, want, accuracy: 1e-6) }

        let tp = try Metrics.TruePositives()
        try tp.updateState(t32([0, 1, 1, 1], [4]), t32([1, 0, 1, 1], [4]), sampleWeight: t32([0, 0, 1, 0], [4]))
        XCTAssertEqual(try tp.result().shape, [])
        XCTAssertEqual(try result(tp), 1)
    }

    func testConfigsRoundTripThroughTheRegistry() throws {
        let cases: [(String, String)] = [
            ("TruePositives", #"{"thresholds": [0.2, 0.7]}"#), ("PrecisionAtRecall", #"{"recall": 0.4, "num_thresholds": 20, "class_id": 1}"#),
            ("MeanIoU", #"{"num_classes": 4, "ignore_class": 0}"#), ("BinaryIoU", #"{"target_class_ids": [1], "threshold": 0.3}"#),
            ("FBetaScore", #"{"average": "macro", "beta": 2.0}"#), ("F1Score", #"{"threshold": 0.4}"#),
            ("R2Score", #"{"class_aggregation": null, "num_regressors": 1}"#), ("CosineSimilarity", #"{"axis": 0}"#),
            ("KLDivergence", "{}"), ("MeanAbsolutePercentageError", "{}"), ("LogCoshError", "{}"),
        ]
        for (cls, json) in cases {
            let m = try metricFromConfig(name: cls, configJSON: json)
            guard let config = metricConfig(m), case .object(let o) = config, let inner = o["config"] else {
                return XCTFail("\(cls): no config")
            }
            let again = try metricFromConfig(name: cls, configJSON: inner.json)
            XCTAssertEqual(metricConfig(again), config, cls)
        }
        XCTAssertEqual(try metricNamed("mape").name, "mape")
        XCTAssertTrue(try metricNamed("kld") is Metrics.KLDivergence)
        XCTAssertThrowsError(try metricFromConfig(name: "IoU", configJSON: #"{"num_classes": 2, "target_class_ids": [2]}"#))
        XCTAssertThrowsError(try metricFromConfig(name: "FBetaScore", configJSON: #"{"colour": 1}"#))
    }

    func testCRC32CAndRecordFraming() throws {
        XCTAssertEqual(CRC32C.checksum(Array("123456789".utf8)), 0xE306_9283)   // the standard check value
        XCTAssertEqual(CRC32C.checksum([]), 0)
        let dir = "/tmp/sk_tb_test_\(getpid())"
        let w = try EventFileWriter(directory: dir + "/train")
        try w.writeScalars([(tag: "epoch_loss", value: 0.5)], step: 3)
        try w.close()
        guard let f = fopen(w.path, "rb") else { return XCTFail("no file") }
        var bytes: [UInt8] = []
        while case let c = fgetc(f), c != EOF { bytes.append(UInt8(c)) }
        fclose(f)
        // two records: length (8) + crc (4) + data + crc (4), each checksum matching
        var at = 0, records = 0
        while at < bytes.count {
            let lengthBytes = Array(bytes[at..<at + 8])
            let length = lengthBytes.enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
            let crcOf = { (i: Int) in bytes[i..<i + 4].enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) } }
            XCTAssertEqual(crcOf(at + 8), CRC32C.masked(lengthBytes))
            XCTAssertEqual(crcOf(at + 12 + length), CRC32C.masked(Array(bytes[at + 12..<at + 12 + length])))
            at += 16 + length
            records += 1
        }
        XCTAssertEqual(at, bytes.count)
        XCTAssertEqual(records, 2)
        XCTAssertThrowsError(try TensorBoard(config: .object(["histogram_freq": .int(1)])))
        XCTAssertThrowsError(try CallbackRegistry.make(className: "RemoteMonitor", config: nil)) { e in
            XCTAssertEqual((e as? SwiftKerasError)?.kind, .unimplemented)
        }
    }

    func testBackupAndRestoreResumesAfterTheSavedEpoch() throws {
        let dir = "/tmp/sk_backup_test_\(getpid())"
        let x = t32([1, 2, 3, 4], [4, 1]), y = t32([2, 4, 6, 8], [4, 1])
        func model() throws -> Sequential {
            let m = try Sequential([Dense(units: 1, useBias: false, kernelInitializer: Zeros(), inputShape: [1])])
            try m.compile(optimizer: SGD(learningRate: 0.01), loss: Losses.MeanSquaredError())
            return m
        }
        let crash = LambdaCallback(onEpochEnd: { e, _ in if e == 1 { throw SwiftKerasError.invalid("stop") } })
        XCTAssertThrowsError(try model().fit(x: x, y: y, batchSize: 4, epochs: 4, verbose: 0,
                                             callbacks: [try BackupAndRestore(backupDir: dir), crash], shuffle: false))
        let m = try model()
        var begun: [Int] = []
        let h = try m.fit(x: x, y: y, batchSize: 4, epochs: 4, verbose: 0,
                          callbacks: [try BackupAndRestore(backupDir: dir), LambdaCallback(onEpochBegin: { e, _ in begun.append(e) })],
                          shuffle: false)
        XCTAssertEqual(begun, [2, 3])
        XCTAssertEqual(h.epochs, [2, 3])
        XCTAssertEqual(m.optimizer?.iterations, 4)
        XCTAssertNotEqual(access(dir, F_OK), 0, "the backup is deleted after a finished fit")
    }
}
