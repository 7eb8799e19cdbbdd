// The BackupAndRestore callback of tf.keras 2 (tf_keras/src/callbacks.py `BackupAndRestore`):
// the training state saved at each epoch's end, restored when an interrupted fit runs again.
import Glibc

/// Saves the training state after every epoch to `<backupDir>/training_state.safetensors`
/// (the model's weights, the optimizer's state and step count, the epoch) and, when `fit` starts
/// and that file exists, restores it and resumes at the epoch after the saved one (tf.keras 2
/// `BackupAndRestore` with `save_freq="epoch"`). A fit that ends normally deletes the file
/// (with `deleteCheckpoint`, the default), so the next fit starts afresh; a fit interrupted by
/// an error leaves it for the next run.
public final class BackupAndRestore: Callback {
    /// The directory holding the backup.
    public let backupDir: String
    /// Whether the backup is deleted when training ends normally.
    public let deleteCheckpoint: Bool

    /// Creates the callback.
    public init(backupDir: String, deleteCheckpoint: Bool = true) throws {
        if backupDir.isEmpty { throw SwiftKerasError.invalid("BackupAndRestore: backup_dir must be a non-empty path") }
        self.backupDir = backupDir
        self.deleteCheckpoint = deleteCheckpoint
    }

    /// The backup file.
    public var backupPath: String { backupDir + "/training_state.safetensors" }

    private func requireModel(_ hook: String) throws -> Model {
        guard let model else { throw SwiftKerasError(.runtime, "BackupAndRestore.\(hook): the callback has no model (it is set by fit)") }
        return model
    }

    public override func onTrainBegin(logs: Logs) throws {
        guard access(backupPath, F_OK) == 0 else { return }
        let model = try requireModel("on_train_begin")
        let (tensors, _) = try SafeTensors.read(from: backupPath)
        let saved = Dictionary(tensors, uniquingKeysWith: { a, _ in a })
        func need(_ key: String) throws -> Tensor {
            guard let t = saved[key] else {
                throw SwiftKerasError.invalid("BackupAndRestore: the backup '\(backupPath)' has no '\(key)' (it was not written by this model)")
            }
            return t
        }
        // Everything is read and checked before anything is assigned.
        var assignments: [(Variable, Tensor)] = []
        for (path, v) in try model.weightPaths() {
            let t = try need("model/" + path)
            if t.shape != v.shape || t.dtype != v.dtype {
                throw SwiftKerasError.invalid("BackupAndRestore: weight '\(path)' has shape \(formatShape(v.shape)) (\(v.dtype.name)) but the backup holds \(formatShape(t.shape)) (\(t.dtype.name))")
            }
            assignments.append((v, t))
        }
        var iterations: Int? = nil
        if let opt = model.optimizer {
            let state = opt.stateVariables
            for (i, v) in state.enumerated() {
                let t = try need("optimizer/\(i)")
                if t.shape != v.shape || t.dtype != v.dtype {
                    throw SwiftKerasError.invalid("BackupAndRestore: optimizer variable \(i) ('\(v.name)') does not match the backup's")
                }
                assignments.append((v, t))
            }
            iterations = Int(try need("optimizer/iterations").scalarDouble())
        }
        let epoch = Int(try need("epoch").scalarDouble())
        for (v, t) in assignments { try v.assign(t) }
        if let iterations { model.optimizer?.iterations = iterations }
        model.resumeEpoch = epoch + 1
    }

    public override func onEpochEnd(_ epoch: Int, logs: Logs) throws {
        let model = try requireModel("on_epoch_end")
        try EventFileWriter.makeDirectories(backupDir)
        var tensors = try withoutRecording { try model.weightPaths().map { (name: "model/" + $0.path, tensor: $0.variable.value) } }
        if let opt = model.optimizer {
            tensors += opt.stateVariables.enumerated().map { (name: "optimizer/\($0.offset)", tensor: $0.element.value) }
            tensors.append((name: "optimizer/iterations", tensor: try Tensor.scalar(Double(opt.iterations), dtype: .int64)))
        }
        tensors.append((name: "epoch", tensor: try Tensor.scalar(Double(epoch), dtype: .int64)))
        try SafeTensors.write(tensors, metadata: ["format": "swiftkeras-backup"], to: backupPath)
    }

    public override func onTrainEnd(logs: Logs) throws {
        guard deleteCheckpoint else { return }
        if unlink(backupPath) != 0 && errno != ENOENT {
            throw SwiftKerasError(.io, "BackupAndRestore: cannot delete '\(backupPath)': \(String(cString: strerror(errno)))")
        }
        _ = rmdir(backupDir)   // removed when nothing else is in it
    }
}

extension BackupAndRestore: ConfigurableCallback {
    /// "BackupAndRestore".
    public static var className: String { "BackupAndRestore" }

    /// Keys: backup_dir (required), save_freq (only "epoch"), delete_checkpoint (true),
    /// save_before_preemption (only false).
    public convenience init(config: ConfigValue) throws {
        var r = try ConfigReader(config, owner: "BackupAndRestore")
        guard let dir = try r.string("backup_dir") else { throw r.missing("backup_dir") }
        if let freq = r.raw("save_freq"), freq != .string("epoch") {
            throw SwiftKerasError(.unimplemented, "BackupAndRestore: save_freq=\(freq.json) is not implemented (only \"epoch\")")
        }
        if try r.bool("save_before_preemption", false) {
            throw SwiftKerasError(.unimplemented, "BackupAndRestore: save_before_preemption=True is not implemented")
        }
        try self.init(backupDir: dir, deleteCheckpoint: try r.bool("delete_checkpoint", true))
        try r.finish()
    }

    /// The config.
    public func getConfig() throws -> ConfigValue {
        .object(["backup_dir": .string(backupDir), "save_freq": .string("epoch"), "delete_checkpoint": .bool(deleteCheckpoint),
                 "save_before_preemption": .bool(false)])
    }
}
