import XCTest
@testable import SwiftKerasCore
@testable import SwiftKeras

// optimizerFromConfig / optimizerConfig / schedules from configs: arguments reach the optimizer,
// get_config round-trips, and every refusal names the class and the argument.

final class KerasOptimizerConfigTests: XCTestCase {
    private func kind(_ body: () throws -> Any) -> (SwiftKerasError.Kind, String)? {
        do {
            _ = try body()
            return nil
        } catch let e as SwiftKerasError {
            return (e.kind, e.message)
        } catch {
            return nil
        }
    }

    func testArgumentsReachTheOptimizers() throws {
        let sgd = try XCTUnwrap(try optimizerFromConfig(name: "sgd", configJSON: #"{"learning_rate": 0.5, "momentum": 0.25, "nesterov": true, "clipnorm": 2}"#) as? SGD)
        XCTAssertEqual(sgd.momentum, 0.25)
        XCTAssertTrue(sgd.nesterov)
        XCTAssertEqual(sgd.clipnorm, 2)
        XCTAssertEqual(try sgd.currentLearningRate(), 0.5)
        XCTAssertEqual(sgd.name, "SGD")
        let adamw = try XCTUnwrap(try optimizerFromConfig(name: "AdamW", configJSON: "") as? AdamW)
        XCTAssertEqual(adamw.weightDecay, 0.004)
        XCTAssertEqual(adamw.name, "adamw")
        let rms = try XCTUnwrap(try optimizerFromConfig(name: "RMSprop", configJSON: #"{"rho": 0.5, "centered": true, "name": "r"}"#) as? RMSprop)
        XCTAssertTrue(rms.centered)
        XCTAssertEqual(rms.rho, 0.5)
        XCTAssertEqual(rms.name, "r")
    }

    func testConfigRoundTripsForEveryOptimizer() throws {
        for cls in ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "Nadam", "Lion"] {
            let o = try optimizerFromConfig(name: cls, configJSON: #"{"learning_rate": {"class_name": "CosineDecay", "config": {"initial_learning_rate": 0.1, "decay_steps": 7, "warmup_target": 0.2, "warmup_steps": 3}}, "global_clipnorm": 1.5}"#)
            XCTAssertEqual(optimizerClassName(o), cls)
            let cfg = try optimizerConfig(o)
            let again = try optimizerFromConfig(name: cls, config: cfg)
            XCTAssertEqual(try optimizerConfig(again), cfg, cls)
            XCTAssertEqual(try again.currentLearningRate(), 0.1, accuracy: 1e-15)
        }
        let lso = try optimizerFromConfig(name: "LossScaleOptimizer", configJSON: #"{"inner_optimizer": {"class_name": "Adam", "config": {"beta_1": 0.5}}, "initial_scale": 8, "dynamic_growth_steps": 5}"#)
        let l = try XCTUnwrap(lso as? LossScaleOptimizer)
        XCTAssertEqual(l.dynamicScale, 8)
        XCTAssertEqual(l.dynamicGrowthSteps, 5)
        XCTAssertEqual((l.innerOptimizer as? Adam)?.beta1, 0.5)
        XCTAssertEqual(try optimizerConfig(try optimizerFromConfig(name: "LossScaleOptimizer", config: try optimizerConfig(lso))),
                       try optimizerConfig(lso))
    }

    func testSchedulesFromConfig() throws {
        XCTAssertEqual(try learningRateScheduleValue(className: "ExponentialDecay", configJSON: #"{"initial_learning_rate": 1, "decay_steps": 2, "decay_rate": 0.25}"#, step: 4), 0.0625)
        let p = try learningRateScheduleFromConfig(className: "PiecewiseConstantDecay", configJSON: #"{"boundaries": [2, 4.0], "values": [3, 2, 1]}"#)
        XCTAssertEqual([try p(2), try p(3), try p(5)], [3, 2, 1])
        let ser = serializeLearningRateSchedule(p)
        XCTAssertEqual(learningRateScheduleConfig(try learningRateScheduleFromSerialized(ser)), learningRateScheduleConfig(p))
    }

    func testErrorsNameClassAndArgument() {
        let cases: [(String, String, SwiftKerasError.Kind, [String])] = [
            ("SGD", #"{"momentum": 2}"#, .invalidArgument, ["SGD", "momentum"]),
            ("Adam", #"{"beta_2": "x"}"#, .invalidDType, ["Adam", "beta_2"]),
            ("Nadam", #"{"unknown": 1}"#, .invalidArgument, ["Nadam", "unknown"]),
            ("Lion", #"{"use_ema": true}"#, .unimplemented, ["Lion", "use_ema"]),
            ("AdamW", #"{"weight_decay": null}"#, .invalidArgument, ["AdamW", "weight_decay"]),
            ("Adagrad", #"{"learning_rate": [1]}"#, .invalidDType, ["Adagrad", "learning_rate"]),
            ("SGD", #"{"learning_rate": {"class_name": "ExponentialDecay", "config": {"decay_steps": 1}}}"#,
             .invalidArgument, ["ExponentialDecay", "initial_learning_rate"]),
            ("Foo", "{}", .invalidArgument, ["Foo"]),
        ]
        for (cls, json, k, words) in cases {
            guard let (got, msg) = kind({ try optimizerFromConfig(name: cls, configJSON: json) }) else {
                XCTFail("\(cls) \(json) did not throw")
                continue
            }
            XCTAssertEqual(got, k, msg)
            for w in words { XCTAssertTrue(msg.contains(w), "\(msg) lacks \(w)") }
        }
    }
}
