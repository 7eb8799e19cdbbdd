// The checkpoint state file of `tf.train.Checkpoint.save` / `tf.train.latest_checkpoint`: a text
// file (named "checkpoint" by default) beside the checkpoints, whose line
// `model_checkpoint_path: "<name>"` names the latest one. Written atomically with the rules of
// every save (only a regular file is replaced: a FIFO there is refused instead of blocking the
// writer forever) and read only from a regular file (a FIFO is refused instead of waiting for a
// writer).

import Glibc

/// Reads and writes the checkpoint state file.
public enum CheckpointState {
    /// The line prefix naming the latest checkpoint.
    static let key = "model_checkpoint_path:"

    /// Writes the state file `path` recording `checkpointName` (a file name relative to the
    /// state file's directory) as the latest checkpoint.
    /// - Throws: `.invalidArgument` for an empty name or one holding a newline or a quote;
    ///   `.io` (naming the path) when the file cannot be written — a FIFO, device, socket or
    ///   directory at `path`, a missing directory, no permission.
    public static func write(_ checkpointName: String, to path: String) throws {
        if checkpointName.isEmpty {
            throw SwiftKerasError(.invalidArgument, "checkpoint_state_write: the checkpoint name is empty (file \(path))")
        }
        if checkpointName.utf8.contains(where: { $0 == 10 || $0 == 13 || $0 == 34 || $0 == 0 }) {
            throw SwiftKerasError(.invalidArgument, "checkpoint_state_write: the checkpoint name \(checkpointName.debugDescription) holds a newline, a quote or a NUL (file \(path))")
        }
        let text = Array("\(key) \"\(checkpointName)\"\n".utf8)
        try FileIO.writeAtomically(to: path, op: "checkpoint_state_write") { w in try w.write(text) }
    }

    /// The checkpoint name the state file `path` records, or nil when there is no such file or
    /// it names none (`tf.train.latest_checkpoint` returns None then).
    /// - Throws: `.io` (naming the path) when something other than a regular file is at `path`
    ///   (a FIFO, a directory) or it cannot be read; `.invalidArgument` for a file larger than
    ///   1 MiB (a state file holds a few lines).
    public static func read(from path: String) throws -> String? {
        var st = stat()
        if stat(path, &st) != 0 && errno == ENOENT && !path.isEmpty { return nil }
        let file = try FileIO.Reader(path: path, op: "checkpoint_state_read")
        if file.size > 1 << 20 {
            throw SwiftKerasError(.invalidArgument, "checkpoint_state_read: '\(path)' has \(file.size) bytes; a checkpoint state file holds a few lines")
        }
        let bytes = try file.bytes(count: file.size, at: 0)
        for line in bytes.split(separator: 10, omittingEmptySubsequences: true) {
            let text = String(decoding: line, as: UTF8.self)
            guard text.hasPrefix(key) else { continue }
            var value = Substring(text.dropFirst(key.count))
            while let c = value.first, c == " " || c == "\t" { value = value.dropFirst() }
            while let c = value.last, c == " " || c == "\t" || c == "\r" { value = value.dropLast() }
            if value.hasPrefix("\"") { value = value.dropFirst() }
            if value.hasSuffix("\"") { value = value.dropLast() }
            return String(value)
        }
        return nil
    }
}
