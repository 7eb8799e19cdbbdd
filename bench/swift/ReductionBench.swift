import SwiftKeras

/// A reduction workload: `op` on a uniform float32 tensor of `shape` drawn with `seed` (the
/// work is its number of elements).
private func reduction(_ name: String, _ shape: [Int], seed: UInt64,
                       _ op: @escaping (Tensor) throws -> Tensor) -> Benchmark {
    Benchmark(name: name, work: Double(shape.reduce(1, *)), unit: "Gelem/s") {
        let x = try Random.uniform(shape, seed: seed)
        return { _ = try op(x) }
    }
}

/// reduction workloads (names must match bench/ref_reduction.py).
let reductionBenchmarks: [Benchmark] = [
    reduction("sum 4M f32", [4_194_304], seed: 1) { try $0.sum() },
    reduction("mean 4M f32", [4_194_304], seed: 1) { try $0.mean() },
    reduction("sum last axis 4096x1024 f32", [4096, 1024], seed: 2) { try $0.sum(alongAxes: [-1]) },
    reduction("mean last axis 4096x1024 f32", [4096, 1024], seed: 2) { try $0.mean(alongAxes: [-1]) },
    reduction("sum axis0 4096x1024 f32", [4096, 1024], seed: 3) { try $0.sum(alongAxes: [0]) },
    reduction("max 4M f32", [4_194_304], seed: 1) { try $0.maxValue() },
    reduction("argmax last axis 4096x1024 f32", [4096, 1024], seed: 2) { try $0.argmax(alongAxis: -1) },
    reduction("var last axis 4096x1024 f32", [4096, 1024], seed: 2) { try $0.variance(alongAxes: [-1]) },
    reduction("logsumexp last axis 4096x1024 f32", [4096, 1024], seed: 2) { try $0.logSumExp(alongAxes: [-1]) },
    reduction("cumsum axis0 4096x1024 f32", [4096, 1024], seed: 3) { try $0.cumulativeSum(alongAxis: 0) },
]
