import Glibc

/// Streams the epoch logs to a CSV file (Keras `CSVLogger`), in the file format of Keras (the
/// Python `csv` module's excel dialect): a header "epoch<sep><sorted log names>" then one row
/// per epoch, each line ending in "\r\n"; values as Python `repr(float)`, "NA" for a name
/// missing from an epoch's logs, fields holding the separator, a quote or a line break quoted.
///
/// The names are fixed by the first epoch written (and kept for later fits); when none starts
/// with "val_", the "val_" names are added too (their cells "NA"). `fit` opens the file at its
/// start (truncating it, or with `append` appending, writing the header only into an empty or
/// new file), flushes every row and closes it at the end.
public final class CSVLogger: Callback {
    public let filename: String
    public let separator: Character
    public let append: Bool
    private var file: UnsafeMutablePointer<FILE>?
    private var keys: [String]?
    private var appendHeader = true
    private var wroteHeader = false

    /// Creates the logger; `separator` must be one character (Python's csv rule).
    public init(filename: String, separator: String = ",", append: Bool = false) throws {
        guard separator.count == 1, let sep = separator.first else {
            throw SwiftKerasError.invalid("CSVLogger: the separator must be a 1-character string, got '\(separator)'")
        }
        if filename.isEmpty { throw SwiftKerasError.invalid("CSVLogger: the filename is empty") }
        self.filename = filename
        self.separator = sep
        self.append = append
    }

    deinit { if let file { fclose(file) } }

    private func ioError(_ action: String) -> SwiftKerasError {
        SwiftKerasError(.io, "CSVLogger: cannot \(action) '\(filename)': \(String(cString: strerror(errno)))")
    }

    public override func onTrainBegin(logs: Logs) throws {
        if let f = file { fclose(f); file = nil }
        if append {
            // Keras: the header only when the first line is empty; only a regular file is read
            // (reading a FIFO would wait for a writer), anything else counts as empty
            appendHeader = true
            let fd = Glibc.open(filename, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
            if fd >= 0 {
                var st = stat(), byte: UInt8 = 0
                if fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG { appendHeader = Glibc.read(fd, &byte, 1) <= 0 }
                _ = Glibc.close(fd)
            }
        }
        file = try openForWriting()
        wroteHeader = false
    }

    /// Opens the log for writing (truncated, or appending) without ever blocking: opened with
    /// O_NONBLOCK, a FIFO nobody reads fails at once (ENXIO) with an error saying so instead of
    /// waiting forever for a reader; a FIFO with a reader, a terminal or /dev/null are written
    /// as Keras writes them, in blocking mode once open.
    private func openForWriting() throws -> UnsafeMutablePointer<FILE> {
        var fd: Int32
        repeat {
            fd = Glibc.open(filename, O_WRONLY | O_CREAT | O_CLOEXEC | O_NONBLOCK | (append ? O_APPEND : O_TRUNC), 0o666)
        } while fd < 0 && errno == EINTR
        if fd < 0 {
            if errno == ENXIO {
                throw SwiftKerasError(.io, "CSVLogger: cannot open '\(filename)': it is a FIFO (or socket) that no process is reading, and writing to it would block forever")
            }
            throw ioError("open")
        }
        let flags = fcntl(fd, F_GETFL)
        guard flags >= 0, fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == 0, let f = fdopen(fd, append ? "a" : "w") else {
            let e = errno
            _ = Glibc.close(fd)
            errno = e
            throw ioError("open")
        }
        return f
    }

    /// A field as Python's csv writer (QUOTE_MINIMAL) writes it.
    private func field(_ s: String) -> String {
        guard s.contains(separator) || s.contains("\"") || s.contains("\n") || s.contains("\r") else { return s }
        return "\"" + s.replacingQuotes() + "\""
    }

    private func writeLine(_ fields: [String]) throws {
        guard let file else { throw SwiftKerasError(.runtime, "CSVLogger: the file '\(filename)' is not open (on_train_begin was not called)") }
        let line = fields.map(field).joined(separator: String(separator)) + "\r\n"
        let bytes = Array(line.utf8)
        if fwrite(bytes, 1, bytes.count, file) != bytes.count || fflush(file) != 0 { throw ioError("write") }
    }

    public override func onEpochEnd(_ epoch: Int, logs: Logs) throws {
        if keys == nil {
            var k = logs.keys.sorted()
            if !k.contains(where: { $0.hasPrefix("val_") }) { k += k.map { "val_" + $0 } }
            keys = k
        }
        let names = keys ?? []
        if !wroteHeader {
            if appendHeader { try writeLine(["epoch"] + names) }
            wroteHeader = true
        }
        try writeLine([String(epoch)] + names.map { logs[$0].map(PythonFormat.repr) ?? "NA" })
    }

    public override func onTrainEnd(logs: Logs) throws {
        if let f = file {
            file = nil
            if fclose(f) != 0 { throw ioError("close") }
        }
        wroteHeader = false
    }
}

private extension String {
    /// Quotes doubled, as the csv module escapes them inside a quoted field.
    func replacingQuotes() -> String {
        var out = ""
        for c in self { out.append(c); if c == "\"" { out.append("\"") } }
        return out
    }
}
