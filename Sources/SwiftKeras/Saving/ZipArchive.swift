// A minimal zip archive (PKWARE APPNOTE 6.3) for Keras' `.keras` files: tf-keras writes them
// with Python's `zipfile.ZipFile(path, "w")`, whose default is ZIP_STORED (no compression), so
// entries are written stored and read when stored; a deflated (or otherwise compressed),
// encrypted or ZIP64 entry is refused by name. Every offset and size read from the file is
// checked against the file, and each entry's CRC-32 is verified.

import Glibc

enum ZipArchive {
    /// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320) of `bytes`.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var table = [UInt32](repeating: 0, count: 256)
        for i in 0..<256 {
            var c = UInt32(i)
            for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
            table[i] = c
        }
        var crc: UInt32 = 0xFFFF_FFFF
        for b in bytes { crc = table[Int((crc ^ UInt32(b)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }

    /// The local date and time as MS-DOS (date, time) fields.
    private static func dosDateTime() -> (UInt16, UInt16) {
        var now = time(nil)
        var t = tm()
        guard localtime_r(&now, &t) != nil, t.tm_year >= 80 else { return (0x21, 0) }
        let date = UInt16((Int(t.tm_year) - 80) << 9 | Int(t.tm_mon + 1) << 5 | Int(t.tm_mday))
        let clock = UInt16(Int(t.tm_hour) << 11 | Int(t.tm_min) << 5 | Int(t.tm_sec) / 2)
        return (date, clock)
    }

    /// A zip archive of `entries`, stored uncompressed (as Python's zipfile writes by default).
    ///
    /// - Throws: `.unimplemented` for an entry or archive over 4 GiB (ZIP64 is not written).
    static func make(_ entries: [(name: String, data: [UInt8])], op: String) throws -> [UInt8] {
        var out: [UInt8] = []
        var central: [UInt8] = []
        func u16(_ v: UInt16, _ a: inout [UInt8]) { a += [UInt8(v & 0xFF), UInt8(v >> 8)] }
        func u32(_ v: UInt32, _ a: inout [UInt8]) { for s in stride(from: 0, to: 32, by: 8) { a.append(UInt8((v >> UInt32(s)) & 0xFF)) } }
        let (date, clock) = dosDateTime()
        for (name, data) in entries {
            guard data.count < 0xFFFF_FFFF, out.count < 0xFFFF_FFFF - data.count - 1024 else {
                throw SwiftKerasError(.unimplemented, "\(op): the zip entry '\(name)' (\(data.count) bytes) needs ZIP64, which is not implemented (archives up to 4 GiB)")
            }
            let nameBytes = Array(name.utf8)
            let crc = crc32(data)
            let offset = UInt32(out.count)
            // local file header
            u32(0x0403_4B50, &out); u16(20, &out); u16(0x0800, &out); u16(0, &out)   // version, UTF-8 names, stored
            u16(clock, &out); u16(date, &out); u32(crc, &out)
            u32(UInt32(data.count), &out); u32(UInt32(data.count), &out)
            u16(UInt16(nameBytes.count), &out); u16(0, &out)
            out += nameBytes
            out += data
            // central directory entry
            u32(0x0201_4B50, &central); u16(0x0314, &central); u16(20, &central); u16(0x0800, &central); u16(0, &central)
            u16(clock, &central); u16(date, &central); u32(crc, &central)
            u32(UInt32(data.count), &central); u32(UInt32(data.count), &central)
            u16(UInt16(nameBytes.count), &central); u16(0, &central); u16(0, &central)   // name, extra, comment
            u16(0, &central); u16(0, &central); u32(0o600 << 16, &central); u32(offset, &central)
            central += nameBytes
        }
        let cdOffset = UInt32(out.count)
        out += central
        u32(0x0605_4B50, &out); u16(0, &out); u16(0, &out)
        u16(UInt16(entries.count), &out); u16(UInt16(entries.count), &out)
        u32(UInt32(central.count), &out); u32(cdOffset, &out); u16(0, &out)
        return out
    }

    /// The entries of the zip archive `bytes` (the file `path`), in central-directory order.
    ///
    /// - Throws: `.io` naming the path for a truncated or damaged archive (bad signature, an
    ///   offset or size outside the file, a CRC mismatch); `.unimplemented` naming the entry for
    ///   a compressed, encrypted or ZIP64 one.
    static func entries(_ bytes: [UInt8], path: String, op: String) throws -> [(name: String, data: [UInt8])] {
        func damaged(_ what: String) -> SwiftKerasError {
            SwiftKerasError(.io, "\(op): '\(path)' is not a valid zip archive (.keras file): \(what)")
        }
        func u16(_ at: Int) throws -> Int {
            guard at >= 0, at + 2 <= bytes.count else { throw damaged("the file is truncated") }
            return Int(bytes[at]) | Int(bytes[at + 1]) << 8
        }
        func u32(_ at: Int) throws -> Int { try u16(at) | (try u16(at + 2)) << 16 }
        // the end of central directory record: the last one within the final 64 KiB + 22 bytes
        var eocd = -1
        var i = bytes.count - 22
        while i >= max(0, bytes.count - 22 - 0xFFFF) {
            if bytes[i] == 0x50, bytes[i + 1] == 0x4B, bytes[i + 2] == 5, bytes[i + 3] == 6 { eocd = i; break }
            i -= 1
        }
        guard eocd >= 0 else { throw damaged("no end of central directory record (truncated?)") }
        let count = try u16(eocd + 10), cdSize = try u32(eocd + 12), cdOffset = try u32(eocd + 16)
        if count == 0xFFFF || cdSize == 0xFFFF_FFFF || cdOffset == 0xFFFF_FFFF {
            throw SwiftKerasError(.unimplemented, "\(op): '\(path)' is a ZIP64 archive, which is not implemented (archives up to 4 GiB and 65,535 entries)")
        }
        guard cdOffset + cdSize <= eocd else { throw damaged("the central directory lies outside the file") }
        var out: [(name: String, data: [UInt8])] = []
        var p = cdOffset
        for _ in 0..<count {
            guard try u32(p) == 0x0201_4B50 else { throw damaged("bad central directory entry at byte \(p)") }
            let flags = try u16(p + 8), method = try u16(p + 10), crc = try u32(p + 16)
            let csize = try u32(p + 20), usize = try u32(p + 24)
            let nlen = try u16(p + 28), elen = try u16(p + 30), clen = try u16(p + 32), local = try u32(p + 42)
            guard p + 46 + nlen <= bytes.count else { throw damaged("the file is truncated") }
            let name = String(decoding: bytes[(p + 46)..<(p + 46 + nlen)], as: UTF8.self)
            p += 46 + nlen + elen + clen
            if flags & 1 != 0 {
                throw SwiftKerasError(.unimplemented, "\(op): '\(path)': the zip entry '\(name)' is encrypted, which is not supported")
            }
            if csize == 0xFFFF_FFFF || usize == 0xFFFF_FFFF || local == 0xFFFF_FFFF {
                throw SwiftKerasError(.unimplemented, "\(op): '\(path)': the zip entry '\(name)' needs ZIP64, which is not implemented")
            }
            if method != 0 {
                let what = method == 8 ? "deflate" : "method \(method)"
                throw SwiftKerasError(.unimplemented, "\(op): '\(path)': the zip entry '\(name)' is compressed (\(what)); only stored (uncompressed) entries are read, as tf-keras writes them — re-zip the archive without compression (zip -0)")
            }
            guard csize == usize else { throw damaged("the stored entry '\(name)' has two sizes") }
            guard try u32(local) == 0x0403_4B50 else { throw damaged("bad local header of '\(name)'") }
            let start = local + 30 + (try u16(local + 26)) + (try u16(local + 28))
            guard start + csize <= cdOffset else { throw damaged("the data of '\(name)' lies outside the file") }
            let data = Array(bytes[start..<(start + csize)])
            guard crc32(data) == UInt32(crc) else { throw damaged("the CRC-32 of '\(name)' does not match (damaged data)") }
            out.append((name, data))
        }
        return out
    }

    /// The entries of the zip file at `path`.
    static func read(_ path: String, op: String) throws -> [(name: String, data: [UInt8])] {
        let r = try FileIO.Reader(path: path, op: op)
        return try entries(try r.bytes(count: r.size, at: 0), path: path, op: op)
    }
}
