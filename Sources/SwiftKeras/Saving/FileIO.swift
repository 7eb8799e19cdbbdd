import Glibc

// File plumbing for the weight and model formats: whole-file atomic writes (temp file, fsync,
// rename, fsync of the directory), bounds-checked positional reads, and a small strict JSON
// reader/writer. No Foundation. Every failure is a thrown `SwiftKerasError` of kind `.io`
// naming the path and, for system calls, the errno text.

/// Low-level file helpers shared by the on-disk formats (safetensors, model configs).
enum FileIO {
    /// The C library's text for an errno value ("No space left on device").
    static func errnoText(_ code: Int32) -> String {
        guard let s = strerror(code) else { return "errno \(code)" }
        return String(cString: s)
    }

    /// An `.io` error: "`op`: cannot `action` '`path`': `detail`".
    static func failure(_ op: String, _ action: String, _ path: String, _ detail: String) -> SwiftKerasError {
        SwiftKerasError(.io, "\(op): cannot \(action) '\(path)': \(detail)")
    }

    /// The directory holding `path` ("." for a bare file name).
    static func directory(of path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return "." }
        if slash == path.utf8.startIndex { return "/" }
        return String(path[..<slash])
    }

    /// The one temporary file of a save to `target`: `.<name>.swiftkeras-tmp` in the target's
    /// directory. One name per target, so a save killed midway leaves at most one file behind,
    /// which the next save to the same target reuses (truncates) and renames away.
    static func temporaryPath(for target: String) -> String {
        let dir = directory(of: target)
        let name: Substring
        if let slash = target.utf8.lastIndex(of: UInt8(ascii: "/")) {
            name = target[target.utf8.index(after: slash)...]
        } else {
            name = target[...]
        }
        let prefix = target.utf8.contains(UInt8(ascii: "/")) ? (dir == "/" ? "/" : dir + "/") : ""
        return prefix + "." + name + ".swiftkeras-tmp"
    }

    /// `path` with its symbolic links followed (at most 40, as the kernel): a save through a
    /// link writes the file the link points to and leaves the link in place.
    static func followingSymlinks(_ path: String, op: String) throws -> String {
        var p = path
        for _ in 0..<40 {
            var st = stat()
            if lstat(p, &st) != 0 || (st.st_mode & S_IFMT) != S_IFLNK { return p }
            var buf = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = buf.withUnsafeMutableBufferPointer { b in
                b.baseAddress!.withMemoryRebound(to: CChar.self, capacity: b.count) { readlink(p, $0, Int(PATH_MAX)) }
            }
            if n < 0 { throw failure(op, "write", path, errnoText(errno) + " (reading the symbolic link '\(p)')") }
            let dest = String(decoding: buf[0..<n], as: UTF8.self)
            p = dest.hasPrefix("/") ? dest : directory(of: p) + "/" + dest
        }
        throw failure(op, "write", path, errnoText(ELOOP))
    }

    /// The process's file-creation mask, read without changing it (`umask()` would, for every
    /// thread); 022 where /proc is unavailable.
    static func currentUmask() -> mode_t {
        guard let f = fopen("/proc/self/status", "r") else { return 0o022 }
        defer { fclose(f) }
        var line = [CChar](repeating: 0, count: 256)
        while fgets(&line, Int32(line.count), f) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if text.hasPrefix("Umask:") {
                let digits = text.dropFirst(6).filter { $0 >= "0" && $0 <= "7" }
                return mode_t(digits, radix: 8) ?? 0o022
            }
        }
        return 0o022
    }

    /// A description of a file type that is never replaced ("a FIFO", "a directory").
    private static func kindName(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: return "a directory"
        case S_IFIFO: return "a FIFO"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        default: return "not a regular file"
        }
    }

    /// Opens the temporary file `temp` and takes its exclusive lock, waiting for a concurrent
    /// writer of the same target (which renames the file away when done, so the lock is taken
    /// again on the fresh file). A leftover of a killed save is unlocked and simply reused.
    private static func openLockedTemporary(_ temp: String, op: String, path: String) throws -> Int32 {
        for _ in 0..<10_000 {
            let fd = open(temp, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0o600)
            if fd < 0 {
                if errno == EINTR { continue }
                throw failure(op, "write", path, errnoText(errno) + " (creating the temporary file '\(temp)')")
            }
            var r: Int32
            repeat { r = flock(fd, LOCK_EX) } while r != 0 && errno == EINTR
            if r != 0 {
                let e = errno
                _ = close(fd)
                throw failure(op, "write", path, errnoText(e) + " (locking the temporary file '\(temp)')")
            }
            var mine = stat(), there = stat()
            if fstat(fd, &mine) == 0 && lstat(temp, &there) == 0 && mine.st_ino == there.st_ino && mine.st_dev == there.st_dev {
                if (mine.st_mode & S_IFMT) != S_IFREG {
                    _ = close(fd)
                    throw failure(op, "write", path, "the temporary path '\(temp)' is \(kindName(mine.st_mode))")
                }
                return fd
            }
            _ = close(fd)  // the previous writer renamed or removed it meanwhile: open the new one
        }
        throw failure(op, "write", path, "the temporary file '\(temp)' keeps being replaced")
    }

    /// Removes temporary files `<name>.tmp-<pid>-<n>` that earlier versions left next to
    /// `target` when a save was killed, if their process is gone.
    private static func removeLegacyTemporaries(of target: String) {
        let dir = directory(of: target)
        let name = target.utf8.lastIndex(of: UInt8(ascii: "/")).map { String(target[target.utf8.index(after: $0)...]) } ?? target
        guard let d = opendir(dir) else { return }
        defer { closedir(d) }
        let prefix = name + ".tmp-"
        while let entry = readdir(d) {
            // The name in place, up to its NUL: a record can be shorter than dirent's 256-byte
            // d_name array, so copying the array would read past the end of the buffer.
            guard let offset = MemoryLayout<dirent>.offset(of: \dirent.d_name) else { continue }
            let entryName = String(cString: (UnsafeRawPointer(entry) + offset).assumingMemoryBound(to: CChar.self))
            guard entryName.hasPrefix(prefix) else { continue }
            let rest = entryName.dropFirst(prefix.count).split(separator: "-")
            guard rest.count == 2, let pid = Int32(rest[0]), Int(rest[1]) != nil, pid > 0 else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { _ = unlink(dir + "/" + entryName) }
        }
    }

    /// Writes a file atomically: `body` writes the whole content through a `Writer` into the
    /// target's one temporary file (`temporaryPath(for:)`, created 0600 and locked against
    /// concurrent writers), which is then given the final permissions, fsynced and renamed over
    /// the target, and the directory is fsynced. The target is `path` with symbolic links
    /// followed (the link stays, its file is replaced). Only a regular file is replaced, keeping
    /// its permission bits (and owner, when run as root); a FIFO, device, socket or directory is
    /// refused, as is an existing file without write permission. A new file gets 0666 minus the
    /// umask, as `open` would give it. If anything fails (including `body` throwing), the
    /// temporary file is removed and whatever was at `path` is untouched.
    static func writeAtomically(to path: String, op: String, _ body: (Writer) throws -> Void) throws {
        if path.isEmpty { throw SwiftKerasError(.invalidArgument, "\(op): the file path is empty") }
        if path.utf8.contains(0) { throw SwiftKerasError(.invalidArgument, "\(op): the file path contains a NUL byte") }
        let target = try followingSymlinks(path, op: op)
        var st = stat()
        var mode = 0o666 & ~currentUmask()
        var owner: (uid_t, gid_t)? = nil
        if stat(target, &st) == 0 {
            if (st.st_mode & S_IFMT) != S_IFREG {
                throw failure(op, "write", path, "it is \(kindName(st.st_mode)); only a regular file is replaced")
            }
            // No write permission on the existing file (as `open` would refuse it); a read-only
            // file system is reported when the temporary file cannot be created.
            if access(target, W_OK) != 0 && errno == EACCES {
                throw failure(op, "write", path, errnoText(EACCES) + " (the existing file is not writable)")
            }
            mode = st.st_mode & 0o7777
            owner = (st.st_uid, st.st_gid)
        } else if errno != ENOENT {
            throw failure(op, "write", path, errnoText(errno))
        }
        let temp = temporaryPath(for: target)
        let fd = try openLockedTemporary(temp, op: op, path: path)
        var renamed = false
        defer {
            if !renamed { _ = unlink(temp) }
            _ = close(fd)  // after the rename: the lock covers the whole write
        }
        if ftruncate(fd, 0) != 0 {
            throw failure(op, "write", path, errnoText(errno) + " (emptying the temporary file)")
        }
        let writer = Writer(fd: fd, op: op, path: path)
        try body(writer)
        if let (uid, gid) = owner, geteuid() == 0 { _ = fchown(fd, uid, gid) }
        if fchmod(fd, mode) != 0 {
            throw failure(op, "write", path, errnoText(errno) + " (setting the permissions of the temporary file)")
        }
        if fsync(fd) != 0 {
            throw failure(op, "write", path, errnoText(errno) + " (syncing the temporary file)")
        }
        if rename(temp, target) != 0 {
            throw failure(op, "write", path, errnoText(errno) + " (renaming the temporary file over it)")
        }
        renamed = true
        removeLegacyTemporaries(of: target)
        // Make the rename itself durable. A directory that cannot be opened for reading (write-
        // and search-only permissions) or a file system without directory fsync is not an error:
        // the new file is complete and in place; only a real I/O error is reported.
        let dirFD = open(directory(of: target), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirFD >= 0 {
            let r = fsync(dirFD)
            let e = errno
            _ = close(dirFD)
            if r != 0 && e == EIO {
                throw failure(op, "write", path, errnoText(e) + " (syncing the directory after the rename)")
            }
        }
    }

    /// Appends bytes to the temporary file of `writeAtomically`.
    final class Writer {
        private let fd: Int32
        private let op: String
        private let path: String
        /// Bytes written so far.
        private(set) var offset = 0

        init(fd: Int32, op: String, path: String) {
            self.fd = fd
            self.op = op
            self.path = path
        }

        /// Writes all of `bytes`, retrying partial writes and EINTR.
        func write(_ bytes: UnsafeRawBufferPointer) throws {
            guard var p = bytes.baseAddress else { return }
            var left = bytes.count
            while left > 0 {
                let r = Glibc.write(fd, p, min(left, 1 << 30))
                if r < 0 {
                    if errno == EINTR { continue }
                    throw failure(op, "write", path, errnoText(errno))
                }
                if r == 0 { throw failure(op, "write", path, errnoText(EIO) + " (write wrote nothing)") }
                p += r
                left -= r
                offset += r
            }
        }

        /// Writes the bytes of `array`.
        func write(_ array: [UInt8]) throws {
            try array.withUnsafeBytes { try write($0) }
        }
    }

    /// A file opened for reading whole regular files with bounds-checked positional reads.
    final class Reader {
        let fd: Int32
        let op: String
        let path: String
        /// The size of the file in bytes when it was opened.
        let size: Int

        /// Opens `path`, which must be a regular file.
        init(path: String, op: String) throws {
            if path.isEmpty { throw SwiftKerasError(.invalidArgument, "\(op): the file path is empty") }
            if path.utf8.contains(0) { throw SwiftKerasError(.invalidArgument, "\(op): the file path contains a NUL byte") }
            self.op = op
            self.path = path
            var fd: Int32
            // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever
            // (the type check below refuses it); it changes nothing for a regular file.
            repeat { fd = Glibc.open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK) } while fd < 0 && errno == EINTR
            if fd < 0 { throw failure(op, "read", path, errnoText(errno)) }
            var st = stat()
            if fstat(fd, &st) != 0 {
                let e = errno
                _ = close(fd)
                throw failure(op, "read", path, errnoText(e))
            }
            if (st.st_mode & S_IFMT) != S_IFREG {
                _ = close(fd)
                let what = (st.st_mode & S_IFMT) == S_IFDIR ? "it is a directory" : "it is not a regular file"
                throw failure(op, "read", path, what)
            }
            self.fd = fd
            self.size = Int(st.st_size)
        }

        deinit { _ = close(fd) }

        /// Reads exactly `count` bytes at `offset` into `buffer`; the range must lie in the file.
        func read(into buffer: UnsafeMutableRawPointer, count: Int, at offset: Int) throws {
            var done = 0
            while done < count {
                let r = pread(fd, buffer + done, min(count - done, 1 << 30), off_t(offset + done))
                if r < 0 {
                    if errno == EINTR { continue }
                    throw failure(op, "read", path, errnoText(errno))
                }
                if r == 0 {
                    throw failure(op, "read", path,
                                  "the file ended at byte \(offset + done) while reading \(count) bytes at offset \(offset) (was it truncated while being read?)")
                }
                done += r
            }
        }

        /// Reads `count` bytes at `offset` into a new array.
        func bytes(count: Int, at offset: Int) throws -> [UInt8] {
            var out = [UInt8](repeating: 0, count: count)
            try out.withUnsafeMutableBytes { b in
                if let base = b.baseAddress { try read(into: base, count: count, at: offset) }
            }
            return out
        }
    }
}

// MARK: - JSON

/// A parsed JSON value. Objects keep their keys in document order, duplicates included (the
/// schema that reads them decides whether a duplicate is an error); numbers keep their text so
/// integers of any size can be checked exactly.
indirect enum JSONValue: Equatable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([JSONMember])

    /// A short description of the value's kind for error messages ("a string", "an array").
    var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// One key/value pair of a JSON object.
struct JSONMember: Equatable {
    var key: String
    var value: JSONValue
}

/// A JSON syntax error: what is wrong and at which byte offset of the text.
struct JSONSyntaxError: Error {
    var message: String
    var offset: Int
    var description: String { "\(message) at byte \(offset)" }
}

/// A strict RFC 8259 parser: no comments, no trailing commas, no leading zeros, no NaN, no lone
/// surrogates, no control characters in strings, valid UTF-8 only. Nesting is limited to
/// `maxDepth` so hostile input cannot exhaust the stack. With `allowNonFinite`, the literals
/// `NaN`, `Infinity` and `-Infinity` that Python's `json.dumps` writes are read as the numbers
/// "nan", "inf", "-inf" (configs: the argument's own check then names the bad value).
struct JSONParser {
    private let bytes: [UInt8]
    private var pos = 0
    private var depth = 0
    private let maxDepth: Int
    private var allowNonFinite = false

    /// Parses `bytes` as exactly one JSON value surrounded by optional whitespace.
    static func parse(_ bytes: [UInt8], maxDepth: Int = 64, allowNonFinite: Bool = false) throws -> JSONValue {
        var p = JSONParser(bytes: bytes, maxDepth: maxDepth)
        p.allowNonFinite = allowNonFinite
        p.skipWhitespace()
        let v = try p.value()
        p.skipWhitespace()
        if p.pos != bytes.count { throw p.error("unexpected \(p.describeCurrent()) after the JSON value") }
        return v
    }

    private init(bytes: [UInt8], maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    private func error(_ message: String) -> JSONSyntaxError { JSONSyntaxError(message: message, offset: pos) }

    private func describeCurrent() -> String {
        guard pos < bytes.count else { return "end of text" }
        let c = bytes[pos]
        if c >= 0x20 && c < 0x7F { return "character '\(Character(Unicode.Scalar(c)))'" }
        return "byte 0x" + String(c, radix: 16)
    }

    private mutating func skipWhitespace() {
        while pos < bytes.count {
            switch bytes[pos] {
            case 0x20, 0x09, 0x0A, 0x0D: pos += 1
            default: return
            }
        }
    }

    private mutating func expectLiteral(_ text: StaticString, _ v: JSONValue) throws -> JSONValue {
        let start = pos
        for i in 0..<text.utf8CodeUnitCount {
            if pos >= bytes.count || bytes[pos] != text.utf8Start[i] {
                pos = start
                throw error("invalid literal (expected '\(text)')")
            }
            pos += 1
        }
        return v
    }

    private mutating func value() throws -> JSONValue {
        guard pos < bytes.count else { throw error("unexpected end of text, expected a value") }
        switch bytes[pos] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try expectLiteral("true", .bool(true))
        case UInt8(ascii: "f"): return try expectLiteral("false", .bool(false))
        case UInt8(ascii: "n"): return try expectLiteral("null", .null)
        case UInt8(ascii: "N") where allowNonFinite: return try expectLiteral("NaN", .number("nan"))
        case UInt8(ascii: "I") where allowNonFinite: return try expectLiteral("Infinity", .number("inf"))
        case UInt8(ascii: "-") where allowNonFinite && pos + 1 < bytes.count && bytes[pos + 1] == UInt8(ascii: "I"):
            return try expectLiteral("-Infinity", .number("-inf"))
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw error("unexpected \(describeCurrent()), expected a value")
        }
    }

    private mutating func enter() throws {
        depth += 1
        if depth > maxDepth { throw error("nesting deeper than \(maxDepth) levels") }
    }

    private mutating func object() throws -> JSONValue {
        var members: [JSONMember] = []
        try elements(close: "}", inside: "an object") { p in
            guard p.pos < p.bytes.count, p.bytes[p.pos] == UInt8(ascii: "\"") else {
                throw p.error("unexpected \(p.describeCurrent()), expected a string key")
            }
            let key = try p.string()
            p.skipWhitespace()
            guard p.pos < p.bytes.count, p.bytes[p.pos] == UInt8(ascii: ":") else {
                throw p.error("unexpected \(p.describeCurrent()), expected ':'")
            }
            p.pos += 1
            p.skipWhitespace()
            members.append(JSONMember(key: key, value: try p.value()))
        }
        return .object(members)
    }

    private mutating func array() throws -> JSONValue {
        var items: [JSONValue] = []
        try elements(close: "]", inside: "an array") { p in items.append(try p.value()) }
        return .array(items)
    }

    /// The elements of the object or array whose opening bracket is at `pos`, up to its `close`
    /// bracket: `element` reads each one (starting at its first non-blank byte), the commas and
    /// the nesting depth are handled here.
    private mutating func elements(close: Unicode.Scalar, inside what: String,
                                   _ element: (inout JSONParser) throws -> Void) throws {
        try enter()
        pos += 1  // { or [
        skipWhitespace()
        if pos < bytes.count && bytes[pos] == UInt8(ascii: close) {
            pos += 1
            depth -= 1
            return
        }
        while true {
            skipWhitespace()
            try element(&self)
            skipWhitespace()
            guard pos < bytes.count else { throw error("unexpected end of text inside \(what)") }
            if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
            if bytes[pos] == UInt8(ascii: close) { pos += 1; break }
            throw error("unexpected \(describeCurrent()), expected ',' or '\(close)'")
        }
        depth -= 1
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }

    private mutating func digits() -> Int {
        let start = pos
        while pos < bytes.count && JSONParser.isDigit(bytes[pos]) { pos += 1 }
        return pos - start
    }

    private mutating func number() throws -> String {
        let start = pos
        if bytes[pos] == UInt8(ascii: "-") { pos += 1 }
        guard pos < bytes.count, JSONParser.isDigit(bytes[pos]) else { throw error("invalid number: a digit must follow '-'") }
        if bytes[pos] == UInt8(ascii: "0") {
            pos += 1
            if pos < bytes.count && JSONParser.isDigit(bytes[pos]) { throw error("invalid number: leading zero") }
        } else {
            _ = digits()
        }
        if pos < bytes.count && bytes[pos] == UInt8(ascii: ".") {
            pos += 1
            if digits() == 0 { throw error("invalid number: a digit must follow '.'") }
        }
        if pos < bytes.count && (bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E")) {
            pos += 1
            if pos < bytes.count && (bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-")) { pos += 1 }
            if digits() == 0 { throw error("invalid number: a digit must follow the exponent") }
        }
        return String(decoding: bytes[start..<pos], as: UTF8.self)
    }

    private mutating func hex4() throws -> UInt32 {
        guard pos + 4 <= bytes.count else { throw error("unexpected end of text in a \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[pos]
            let d: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - UInt8(ascii: "A") + 10)
            default: throw error("invalid hex digit in a \\u escape")
            }
            v = v << 4 | d
            pos += 1
        }
        return v
    }

    private mutating func string() throws -> String {
        pos += 1  // "
        var out: [UInt8] = []
        var runStart = pos
        while true {
            guard pos < bytes.count else { throw error("unterminated string") }
            let c = bytes[pos]
            if c == UInt8(ascii: "\"") {
                out.append(contentsOf: bytes[runStart..<pos])
                pos += 1
                break
            }
            if c < 0x20 { throw error("control character 0x\(String(c, radix: 16)) in a string (must be escaped)") }
            if c != UInt8(ascii: "\\") { pos += 1; continue }
            out.append(contentsOf: bytes[runStart..<pos])
            pos += 1
            guard pos < bytes.count else { throw error("unterminated escape in a string") }
            let e = bytes[pos]
            pos += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if scalar >= 0xD800 && scalar < 0xDC00 {
                    guard pos + 1 < bytes.count, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u") else {
                        throw error("unpaired surrogate in a \\u escape")
                    }
                    pos += 2
                    let low = try hex4()
                    guard low >= 0xDC00 && low < 0xE000 else { throw error("unpaired surrogate in a \\u escape") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if scalar >= 0xDC00 && scalar < 0xE000 {
                    throw error("unpaired surrogate in a \\u escape")
                }
                guard let u = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
                out.append(contentsOf: Array(String(Character(u)).utf8))
            default:
                pos -= 1
                throw error("invalid escape '\\\(Character(Unicode.Scalar(e)))' in a string")
            }
            runStart = pos
        }
        guard let s = String(validating: out, as: UTF8.self) else {
            throw error("invalid UTF-8 in a string")
        }
        return s
    }
}

/// Writes compact JSON the way serde_json does (no spaces; `"`, `\` and control characters
/// escaped, control characters other than \b \f \n \r \t as lowercase \u00xx; other text as UTF-8).
enum JSONWriter {
    /// `s` as a JSON string literal, quotes included; with `ensureASCII` every character past
    /// ASCII as `\uXXXX` (UTF-16 surrogate pairs past the BMP), as Python's `json.dumps` writes.
    static func quoted(_ s: String, ensureASCII: Bool = false) -> String {
        var out: [UInt8] = [0x22]
        out.reserveCapacity(s.utf8.count + 2)
        func escape(_ unit: UInt32) {
            let hex = Array(String(unit, radix: 16).utf8)
            out += Array("\\u".utf8) + [UInt8](repeating: 0x30, count: 4 - hex.count) + hex
        }
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += [0x5C, 0x22]
            case "\\": out += [0x5C, 0x5C]
            case "\u{08}": out += [0x5C, 0x62]
            case "\u{0C}": out += [0x5C, 0x66]
            case "\n": out += [0x5C, 0x6E]
            case "\r": out += [0x5C, 0x72]
            case "\t": out += [0x5C, 0x74]
            default:
                if u.value < 0x20 || (ensureASCII && u.value >= 0x7F) {
                    if u.value > 0xFFFF {
                        escape(0xD800 + ((u.value - 0x10000) >> 10))
                        escape(0xDC00 + ((u.value - 0x10000) & 0x3FF))
                    } else {
                        escape(u.value)
                    }
                } else if u.isASCII {
                    out.append(UInt8(u.value))
                } else {
                    UTF8.encode(u) { out.append($0) }
                }
            }
        }
        out.append(0x22)
        return String(decoding: out, as: UTF8.self)
    }

    /// Serializes `value` compactly.
    static func serialize(_ value: JSONValue) -> String {
        var out = ""
        write(value, into: &out)
        return out
    }

    private static func write(_ value: JSONValue, into out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += n
        case .string(let s): out += quoted(s)
        case .array(let items):
            out += "["
            for (i, v) in items.enumerated() {
                if i > 0 { out += "," }
                write(v, into: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (i, m) in members.enumerated() {
                if i > 0 { out += "," }
                out += quoted(m.key)
                out += ":"
                write(m.value, into: &out)
            }
            out += "}"
        }
    }
}
