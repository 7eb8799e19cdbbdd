import Glibc

// Element-size-generic copy kernels for the shape ops. Every shape op reduces to "copy a strided
// block of elements into another strided block": the kernels only know element sizes (1/2/4/8
// bytes), so one code path serves every dtype. Callers validate everything first.

enum ShapeKernels {
    /// Elements per parallel chunk: copies are memory-bound and one core nearly saturates the
    /// bus, so only large copies (4 MB of float32 and up) are split across cores.
    static let parallelGrain = 1 << 20

    /// Copies the block `shape` from `src` (element strides `srcStrides`) to `dst` (element
    /// strides `dstStrides`). Strides may be negative or zero (zero on the source repeats).
    /// Contiguous runs are copied with memcpy; adjacent dimensions that are contiguous in both
    /// buffers are merged first so runs are as long as possible; large copies use all cores.
    static func copy(from src: UnsafeRawPointer, _ srcStrides: [Int],
                     to dst: UnsafeMutableRawPointer, _ dstStrides: [Int],
                     shape: [Int], elementSize es: Int) {
        var total = 1
        for d in shape { if d == 0 { return }; total &*= d }
        // Drop unit dimensions, then merge neighbours from the inside out.
        var sh: [Int] = [], ss: [Int] = [], ds: [Int] = []
        for i in stride(from: shape.count - 1, through: 0, by: -1) where shape[i] != 1 {
            if let n = sh.last, let s = ss.last, let d = ds.last,
               srcStrides[i] == s &* n, dstStrides[i] == d &* n {
                sh[sh.count - 1] = n &* shape[i]
            } else {
                sh.append(shape[i]); ss.append(srcStrides[i]); ds.append(dstStrides[i])
            }
        }
        sh.reverse(); ss.reverse(); ds.reverse()
        if sh.isEmpty {
            memcpy(dst, src, es)
            return
        }
        // A contiguous source run with a zero destination stride cannot happen (outputs are
        // written once), so a single dimension with unit strides is one memcpy.
        if sh.count == 1 && ss[0] == 1 && ds[0] == 1 {
            let bytes = total &* es
            if total >= 2 &* parallelGrain {
                Parallel.forRange(total, grain: parallelGrain) { a, b in
                    memcpy(dst + a &* es, src + a &* es, (b &- a) &* es)
                }
            } else {
                memcpy(dst, src, bytes)
            }
            return
        }
        // A transposed plane (source contiguous along the outer of the two inner dimensions):
        // the blocked transpose, once per plane.
        let r = sh.count
        if r >= 2 && ss[r - 2] == 1 && ds[r - 1] == 1 && sh[r - 1] >= 8 && sh[r - 2] >= 8 {
            let planes = total / (sh[r - 1] &* sh[r - 2])
            let outer = Array(sh[..<(r - 2)])
            var index = [Int](repeating: 0, count: r - 2)
            var so = 0, doff = 0
            for _ in 0..<planes {
                transpose2D(src + so &* es, srcPitch: ss[r - 1], dst + doff &* es, dstPitch: ds[r - 2],
                            rows: sh[r - 1], cols: sh[r - 2], elementSize: es)
                var k = r - 3
                while k >= 0 {
                    index[k] &+= 1
                    so &+= ss[k]; doff &+= ds[k]
                    if index[k] < outer[k] { break }
                    so &-= ss[k] &* outer[k]; doff &-= ds[k] &* outer[k]
                    index[k] = 0
                    k -= 1
                }
            }
            return
        }
        let rows = sh[0]
        let rowElements = total / rows
        let grainRows = max(1, parallelGrain / max(rowElements, 1))
        Parallel.forRange(rows, grain: grainRows) { a, b in
            var sub = sh
            sub[0] = b &- a
            copyBlock(src + a &* ss[0] &* es, ss, dst + a &* ds[0] &* es, ds, sub, es)
        }
    }

    /// The serial part of `copy`: one odometer walk, one run per innermost row.
    private static func copyBlock(_ src: UnsafeRawPointer, _ ss: [Int], _ dst: UnsafeMutableRawPointer,
                                  _ ds: [Int], _ shape: [Int], _ es: Int) {
        let rank = shape.count
        let inner = shape[rank - 1]
        let si = ss[rank - 1], di = ds[rank - 1]
        let s = UnsafeMutableRawPointer(mutating: src)
        forEachBroadcastRow(shape: shape, stridesA: ss, stridesB: ds) { oa, ob, _, _, _, _ in
            let sp = s + oa &* es, dp = dst + ob &* es
            if si == 1 && di == 1 {
                memcpy(dp, sp, inner &* es)
            } else {
                switch es {
                case 1: run(sp, si, dp, di, inner, UInt8.self)
                case 2: run(sp, si, dp, di, inner, UInt16.self)
                case 4: run(sp, si, dp, di, inner, UInt32.self)
                default: run(sp, si, dp, di, inner, UInt64.self)
                }
            }
        }
    }

    @inline(__always)
    private static func run<T>(_ s: UnsafeMutableRawPointer, _ si: Int, _ d: UnsafeMutableRawPointer,
                               _ di: Int, _ n: Int, _: T.Type) {
        let sp = s.assumingMemoryBound(to: T.self), dp = d.assumingMemoryBound(to: T.self)
        if si == 0 {
            let v = sp[0]
            if di == 1 { dp.update(repeating: v, count: n) } else { for i in 0..<n { dp[i &* di] = v } }
        } else if di == 1 {
            for i in 0..<n { dp[i] = sp[i &* si] }
        } else {
            for i in 0..<n { dp[i &* di] = sp[i &* si] }
        }
    }

    /// Transposes a `rows × cols` matrix: `dst[j * dstPitch + i] = src[i * srcPitch + j]`.
    /// The naive strided copy walks the source with a stride of a whole row and thrashes the
    /// cache (badly for power-of-two pitches: 25 ms for 2048² f32 here); this one moves 8×8 tiles
    /// through SIMD registers inside 64×64 blocks and splits the row blocks across cores.
    static func transpose2D(_ src: UnsafeRawPointer, srcPitch: Int, _ dst: UnsafeMutableRawPointer, dstPitch: Int,
                            rows: Int, cols: Int, elementSize es: Int) {
        switch es {
        case 1: transpose2DTyped(src, srcPitch, dst, dstPitch, rows, cols, UInt8.self)
        case 2: transpose2DTyped(src, srcPitch, dst, dstPitch, rows, cols, UInt16.self)
        case 4: transpose2DTyped(src, srcPitch, dst, dstPitch, rows, cols, UInt32.self)
        default: transpose2DTyped(src, srcPitch, dst, dstPitch, rows, cols, UInt64.self)
        }
    }

    @inline(__always)
    private static func tile8<T: SIMDScalar>(_ s: UnsafePointer<T>, _ sp: Int, _ d: UnsafeMutablePointer<T>, _ dp: Int,
                                             _ i0: Int, _ j0: Int) {
        @inline(__always) func row(_ k: Int) -> SIMD8<T> {
            UnsafeRawPointer(s + ((i0 &+ k) &* sp &+ j0)).loadUnaligned(as: SIMD8<T>.self)
        }
        let r0 = row(0), r1 = row(1), r2 = row(2), r3 = row(3), r4 = row(4), r5 = row(5), r6 = row(6), r7 = row(7)
        for c in 0..<8 {
            let v = SIMD8<T>(r0[c], r1[c], r2[c], r3[c], r4[c], r5[c], r6[c], r7[c])
            UnsafeMutableRawPointer(d + ((j0 &+ c) &* dp &+ i0)).storeBytes(of: v, as: SIMD8<T>.self)
        }
    }

    private static func transpose2DTyped<T: SIMDScalar>(_ src: UnsafeRawPointer, _ sp: Int,
                                                        _ dst: UnsafeMutableRawPointer, _ dp: Int,
                                                        _ rows: Int, _ cols: Int, _: T.Type) {
        let s = src.assumingMemoryBound(to: T.self), d = dst.assumingMemoryBound(to: T.self)
        let block = 64
        let rows8 = rows & ~7, cols8 = cols & ~7
        let rowBlocks = (rows8 &+ block &- 1) / block
        let grain = max(1, parallelGrain / max(block &* cols, 1))
        Parallel.forRange(rowBlocks, grain: grain) { a, b in
            for rb in a..<b {
                let ib = rb &* block, ie = min(rows8, ib &+ block)
                var jb = 0
                while jb < cols8 {
                    let je = min(cols8, jb &+ block)
                    var i0 = ib
                    while i0 < ie {
                        var j0 = jb
                        while j0 < je { tile8(s, sp, d, dp, i0, j0); j0 &+= 8 }
                        i0 &+= 8
                    }
                    jb = je
                }
                // The last cols % 8 columns of these rows.
                for j in cols8..<cols {
                    for i in ib..<ie { d[j &* dp &+ i] = s[i &* sp &+ j] }
                }
            }
        }
        // The last rows % 8 rows.
        for j in 0..<cols {
            for i in rows8..<rows { d[j &* dp &+ i] = s[i &* sp &+ j] }
        }
    }
}
