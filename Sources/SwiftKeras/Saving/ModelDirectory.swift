// The model directory: what `model.save(path)` writes for a path without an extension (tf.keras
// 2 writes a TensorFlow SavedModel directory there; SwiftKeras writes its own directory, which
// `loadModel` reads back). The directory holds one file, `model.safetensors`, in the format of
// `Model.save` (weights + model config + compile config); nothing else is read from it.

import Glibc

/// The SwiftKeras model directory (`model.save("path/without/extension")`): a new directory,
/// an empty one, or one a previous save wrote.
public enum ModelDirectory {
    /// The model file inside a model directory.
    public static let fileName = "model.safetensors"

    /// Whether `path` is an existing directory (symlinks followed).
    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// Whether anything (a file, a FIFO, a device, a dangling symlink) exists at `path`.
    static func exists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }

    /// Whether saving to `path` writes a model directory: an existing directory, or a path that
    /// does not exist yet whose last component has no extension ("runs/model", "model/"). An
    /// existing file at an extension-less path is written as a single file, as before.
    public static func savesAsDirectory(_ path: String) -> Bool {
        if isDirectory(path) { return true }
        if path.isEmpty || exists(path) { return false }
        let last = path.split(separator: "/").last.map(String.init) ?? ""
        return !last.isEmpty && !last.contains(".")
    }

    /// Whether the directory `path` has no entry but "." and "..".
    static func isEmptyDirectory(_ path: String) -> Bool {
        guard let dir = opendir(path) else { return false }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { return false }
        }
        return true
    }

    /// The model file to write for `path`: inside the directory `path` (created when missing,
    /// permissions from the umask) when `savesAsDirectory(path)`, else `path` itself. An existing
    /// directory is written only when it is empty or already a model directory.
    ///
    /// - Throws: `.io` naming the path when the directory cannot be created, or is a directory
    ///   holding other files.
    static func fileForSaving(_ path: String, op: String) throws -> String {
        guard savesAsDirectory(path) else { return path }
        let dir = path.hasSuffix("/") ? path : path + "/"
        if isDirectory(path) && !exists(dir + fileName) && !isEmptyDirectory(path) {
            throw SwiftKerasError(.io, "\(op): '\(path)' is a directory that is neither empty nor a SwiftKeras model directory (no \(fileName)); nothing is written into it")
        }
        if !isDirectory(path) && mkdir(path, 0o777) != 0 {
            let code = errno
            throw FileIO.failure(op, "create the model directory", path, FileIO.errnoText(code))
        }
        return (path.hasSuffix("/") ? path : path + "/") + fileName
    }

    /// The model file to read for `path`: `path/model.safetensors` for a directory, `path`
    /// itself otherwise.
    ///
    /// - Throws: `.io` for a directory that is not a SwiftKeras model directory (a TensorFlow
    ///   SavedModel directory is named as such).
    static func fileForLoading(_ path: String, op: String) throws -> String {
        guard isDirectory(path) else { return path }
        let dir = path.hasSuffix("/") ? path : path + "/"
        if exists(dir + fileName) { return dir + fileName }
        if exists(dir + "saved_model.pb") {
            throw SwiftKerasError(.io, "\(op): '\(path)' is a TensorFlow SavedModel directory; SwiftKeras cannot read SavedModels (it reads the model directories its own model.save writes, holding \(fileName))")
        }
        throw SwiftKerasError(.io, "\(op): '\(path)' is a directory without \(fileName): not a SwiftKeras model directory")
    }
}
