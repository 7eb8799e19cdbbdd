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
            if let f = fopen(filename, "r") {
                appendHeader = fgetc(f) == EOF     // Keras: header only when the first line is empty
                fclose(f)
            }
        }
        guard let f = fopen(filename, append ? "a" : "w") else { throw ioError("open") }
        file = f
        wroteHeader = false
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
