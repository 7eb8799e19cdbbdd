import Glibc
import SwiftKerasKernels
import Synchronization

// oneDNN (Intel's deep-learning kernel library, Debian's `libdnnl2`), loaded at run time like
// OpenBLAS: nothing is linked at build time and no dnnl header is read. The few entry points of
// its v2 C API SwiftKeras calls are declared here; the enum values and the sizes of the
// descriptor structs are those of `dnnl_types.h` 2.x (a v3 library lacks the `*_desc_init`
// functions, so it is simply not used). When the library is absent, or SWIFTKERAS_NO_DNNL=1,
// or `OneDNN.forceFallback` is set, the convolutions run on im2col + GEMM as before.
//
// What runs here: float32 convolutions (forward, input gradient, kernel gradient; a bias added by
// the forward primitive and its gradient made by the kernel-gradient one) in the channels-last layout the core keeps, with the kernel in Keras' `(window..., in, out)` layout.
// oneDNN picks its own blocked weight layout ("any"); the kernel is reordered to it per call
// (a few KB, by a gather on the calling thread that the plan learns from oneDNN's reorder) and
// the kernel gradient reordered back (by oneDNN). Plans (primitive + reorders) are cached per
// geometry, and each call brings its own scratchpad, so concurrent calls are safe.
// The library never sets environment variables here (see host.c for OpenMP's wait policy).

/// The oneDNN functions SwiftKeras uses, resolved once from a dynamically loaded libdnnl.
enum OneDNN {
    typealias Handle = OpaquePointer
    typealias Dims = UnsafePointer<Int64>

    typealias MDInitByTag = @convention(c) (UnsafeMutableRawPointer, Int32, Dims, Int32, Int32) -> Int32
    typealias MDGetSize = @convention(c) (UnsafeRawPointer) -> Int
    typealias MDEqual = @convention(c) (UnsafeRawPointer, UnsafeRawPointer) -> Int32
    typealias ConvForwardInit = @convention(c) (UnsafeMutableRawPointer, Int32, Int32, UnsafeRawPointer,
                                                UnsafeRawPointer, UnsafeRawPointer?, UnsafeRawPointer,
                                                Dims, Dims, Dims, Dims) -> Int32
    typealias ConvBackwardDataInit = @convention(c) (UnsafeMutableRawPointer, Int32, UnsafeRawPointer,
                                                     UnsafeRawPointer, UnsafeRawPointer, Dims, Dims, Dims, Dims) -> Int32
    typealias ConvBackwardWeightsInit = @convention(c) (UnsafeMutableRawPointer, Int32, UnsafeRawPointer,
                                                        UnsafeRawPointer, UnsafeRawPointer?, UnsafeRawPointer,
                                                        Dims, Dims, Dims, Dims) -> Int32
    typealias PDCreate = @convention(c) (UnsafeMutablePointer<Handle?>, UnsafeRawPointer, Handle?, Handle,
                                         Handle?) -> Int32
    typealias PDQueryMD = @convention(c) (Handle, Int32, Int32) -> UnsafeRawPointer?
    typealias PDQuery = @convention(c) (Handle, Int32, Int32, UnsafeMutableRawPointer) -> Int32
    typealias ReorderPDCreate = @convention(c) (UnsafeMutablePointer<Handle?>, UnsafeRawPointer, Handle,
                                                UnsafeRawPointer, Handle, Handle?) -> Int32
    typealias PrimitiveCreate = @convention(c) (UnsafeMutablePointer<Handle?>, Handle) -> Int32
    typealias PrimitiveExecute = @convention(c) (Handle, Handle, Int32, UnsafeRawPointer) -> Int32
    typealias MemoryCreate = @convention(c) (UnsafeMutablePointer<Handle?>, UnsafeRawPointer, Handle,
                                             UnsafeMutableRawPointer?) -> Int32
    typealias Destroy = @convention(c) (Handle) -> Int32
    typealias Create = @convention(c) (UnsafeMutablePointer<Handle?>) -> Int32
    typealias AttrSetMode = @convention(c) (Handle, Int32) -> Int32
    typealias EngineCreate = @convention(c) (UnsafeMutablePointer<Handle?>, Int32, Int) -> Int32
    typealias StreamCreate = @convention(c) (UnsafeMutablePointer<Handle?>, Handle, UInt32) -> Int32
    typealias Version = @convention(c) () -> UnsafePointer<Int32>?
    typealias OMPSetNumThreads = @convention(c) (Int32) -> Void
    typealias OMPGetMaxThreads = @convention(c) () -> Int32

    // dnnl_types.h (2.x) values.
    static let f32: Int32 = 3
    static let tagAny: Int32 = 1, tagA: Int32 = 2
    /// Channels-last activation tags by spatial rank 1...3 (nwc, nhwc, ndhwc).
    static let activationTags: [Int32] = [17, 20, 21]
    /// Keras kernel layout tags by spatial rank 1...3 (wio, hwio, dhwio).
    static let kernelTags: [Int32] = [29, 30, 32]
    static let forwardTraining: Int32 = 64
    static let convolutionDirect: Int32 = 1
    static let argSrc: Int32 = 1, argDst: Int32 = 17, argWeights: Int32 = 33, argBias: Int32 = 41
    static let argDiffSrc: Int32 = 129, argDiffDst: Int32 = 145, argDiffWeights: Int32 = 161, argDiffBias: Int32 = 169
    static let argScratchpad: Int32 = 80
    static let querySrc: Int32 = 129, queryDiffSrc: Int32 = 130, queryWeights: Int32 = 131
    static let queryDiffWeights: Int32 = 132, queryDst: Int32 = 133, queryDiffDst: Int32 = 134
    static let queryScratchpad: Int32 = 136, queryImplInfo: Int32 = 8
    static let scratchpadUser: Int32 = 1
    static let cpuEngine: Int32 = 1
    /// sizeof(dnnl_memory_desc_t) is 696 and sizeof(dnnl_convolution_desc_t) 5976 in 2.x; the
    /// buffers are larger so that a 2.x with grown structs stays in bounds.
    static let memoryDescBytes = 2048
    static let opDescBytes = 16384

    /// A loaded oneDNN library.
    struct Library: @unchecked Sendable {
        let mdInitByTag: MDInitByTag
        let mdGetSize: MDGetSize
        let mdEqual: MDEqual
        let convForward: ConvForwardInit
        let convBackwardData: ConvBackwardDataInit
        let convBackwardWeights: ConvBackwardWeightsInit
        let pdCreate: PDCreate
        let pdQueryMD: PDQueryMD
        let pdQuery: PDQuery
        let pdDestroy: Destroy
        let reorderPDCreate: ReorderPDCreate
        let primitiveCreate: PrimitiveCreate
        let primitiveExecute: PrimitiveExecute
        let primitiveDestroy: Destroy
        let memoryCreate: MemoryCreate
        let memoryDestroy: Destroy
        let streamCreate: StreamCreate
        let streamWait: Destroy
        let streamDestroy: Destroy
        /// OpenMP's `omp_set_num_threads` / `omp_get_max_threads` of the libgomp oneDNN runs on.
        let ompSetNumThreads: OMPSetNumThreads?
        let ompGetMaxThreads: OMPGetMaxThreads?
        /// The CPU engine and the attribute "user-provided scratchpad" every plan is made with.
        let engine: Handle
        let attr: Handle
        /// "libdnnl.so.2 (oneDNN 2.6.3)".
        let description: String
    }

    /// The loaded library, or nil (no libdnnl.so.2, not a 2.x, or SWIFTKERAS_NO_DNNL=1).
    static let library: Library? = load()

    /// When true, the convolutions run on the im2col + GEMM path although oneDNN is loaded (tests
    /// flip this to compare both paths; SWIFTKERAS_NO_DNNL=1 has the same effect for a process).
    static let forceFallback = Atomic<Bool>(false)

    /// The library when it is loaded and not switched off.
    static var active: Library? {
        forceFallback.load(ordering: .relaxed) ? nil : library
    }

    nonisolated(unsafe) private static var failure = ""

    private static func load() -> Library? {
        if let v = getenv("SWIFTKERAS_NO_DNNL"), v.pointee != 0, String(cString: v) != "0" {
            failure = "disabled by SWIFTKERAS_NO_DNNL"
            return nil
        }
        // Debian's oneDNN runs on OpenMP (libgomp), whose idle threads spin by default: between
        // two convolutions they take the cores from the core's own worker threads (measured:
        // a CNN's fit 3x slower). The load-time hook (SwiftKerasKernels/host.c) loads libgomp
        // with OMP_WAIT_POLICY=passive when the process is single-threaded and the user has not
        // chosen; this never changes the environment.
        let soname = "libdnnl.so.2"
        guard let h = dlopen(soname, RTLD_NOW | RTLD_LOCAL) else {
            failure = "\(soname) not found"
            return nil
        }
        func sym<F>(_ name: String, _: F.Type) -> F? {
            guard let p = dlsym(h, name) else { return nil }
            return unsafeBitCast(p, to: F.self)
        }
        guard let version = sym("dnnl_version", Version.self), let v = version(), v[0] == 2 else {
            failure = "\(soname) is not oneDNN 2.x"
            dlclose(h)
            return nil
        }
        guard let mdInit = sym("dnnl_memory_desc_init_by_tag", MDInitByTag.self),
              let mdSize = sym("dnnl_memory_desc_get_size", MDGetSize.self),
              let mdEqual = sym("dnnl_memory_desc_equal", MDEqual.self),
              let fwd = sym("dnnl_dilated_convolution_forward_desc_init", ConvForwardInit.self),
              let bwdData = sym("dnnl_dilated_convolution_backward_data_desc_init", ConvBackwardDataInit.self),
              let bwdWeights = sym("dnnl_dilated_convolution_backward_weights_desc_init", ConvBackwardWeightsInit.self),
              let pdCreate = sym("dnnl_primitive_desc_create", PDCreate.self),
              let pdQueryMD = sym("dnnl_primitive_desc_query_md", PDQueryMD.self),
              let pdQuery = sym("dnnl_primitive_desc_query", PDQuery.self),
              let pdDestroy = sym("dnnl_primitive_desc_destroy", Destroy.self),
              let reorder = sym("dnnl_reorder_primitive_desc_create", ReorderPDCreate.self),
              let primCreate = sym("dnnl_primitive_create", PrimitiveCreate.self),
              let primExecute = sym("dnnl_primitive_execute", PrimitiveExecute.self),
              let primDestroy = sym("dnnl_primitive_destroy", Destroy.self),
              let memCreate = sym("dnnl_memory_create", MemoryCreate.self),
              let memDestroy = sym("dnnl_memory_destroy", Destroy.self),
              let streamCreate = sym("dnnl_stream_create", StreamCreate.self),
              let streamWait = sym("dnnl_stream_wait", Destroy.self),
              let streamDestroy = sym("dnnl_stream_destroy", Destroy.self),
              let engineCreate = sym("dnnl_engine_create", EngineCreate.self),
              let attrCreate = sym("dnnl_primitive_attr_create", Create.self),
              let attrSetMode = sym("dnnl_primitive_attr_set_scratchpad_mode", AttrSetMode.self)
        else {
            failure = "\(soname) lacks an entry point SwiftKeras uses"
            dlclose(h)
            return nil
        }
        var engine: Handle? = nil
        var attr: Handle? = nil
        guard engineCreate(&engine, cpuEngine, 0) == 0, let e = engine,
              attrCreate(&attr) == 0, let a = attr, attrSetMode(a, scratchpadUser) == 0 else {
            failure = "\(soname): no CPU engine"
            return nil
        }
        // libgomp's waiting threads spin for milliseconds unless it was loaded with the passive
        // wait policy, which the load-time hook cannot choose in a host that had threads before
        // us (Python after `import numpy`): see OpenMPThrottle.
        if skk_openmp_loaded_passive() == 0 && getenv("OMP_WAIT_POLICY") == nil && getenv("GOMP_SPINCOUNT") == nil {
            OpenMPThrottle.start(h)
        }
        return Library(mdInitByTag: mdInit, mdGetSize: mdSize, mdEqual: mdEqual, convForward: fwd,
                       convBackwardData: bwdData, convBackwardWeights: bwdWeights, pdCreate: pdCreate,
                       pdQueryMD: pdQueryMD, pdQuery: pdQuery, pdDestroy: pdDestroy, reorderPDCreate: reorder,
                       primitiveCreate: primCreate, primitiveExecute: primExecute, primitiveDestroy: primDestroy,
                       memoryCreate: memCreate, memoryDestroy: memDestroy, streamCreate: streamCreate,
                       streamWait: streamWait, streamDestroy: streamDestroy,
                       ompSetNumThreads: sym("omp_set_num_threads", OMPSetNumThreads.self),
                       ompGetMaxThreads: sym("omp_get_max_threads", OMPGetMaxThreads.self), engine: e, attr: a,
                       description: "\(soname) (oneDNN \(v[0]).\(v[1]).\(v[2]))")
    }

    /// Why oneDNN is not in use, or "" when it is.
    static var unavailableReason: String {
        _ = library
        return failure
    }
}

extension OneDNN.Library {
    /// Runs `body` with the OpenMP parallel regions it opens limited to the calling thread (the
    /// calling thread's `nthreads-var`, restored afterwards; other threads are not affected).
    func onCallingThread<R>(_ body: () -> R) -> R {
        guard let set = ompSetNumThreads, let get = ompGetMaxThreads else { return body() }
        let n = get()
        if n <= 1 { return body() }
        set(1)
        defer { set(n) }
        return body()
    }
}

/// What runs SwiftKeras' float32 convolutions (for diagnostics and bug reports).
public enum OneDNNInfo {
    /// `"oneDNN libdnnl.so.2 (oneDNN 2.6.3)"`, or `"im2col + GEMM (libdnnl.so.2 not found)"`.
    public static var description: String {
        guard let lib = OneDNN.library else { return "im2col + GEMM (\(OneDNN.unavailableReason))" }
        return "oneDNN " + lib.description
    }

    /// True when float32 convolutions run on oneDNN.
    public static var usesOneDNN: Bool { OneDNN.active != nil }
}

// MARK: - Plans

/// A memory descriptor in a buffer of its own.
final class DNNLMemoryDesc {
    let raw: UnsafeMutableRawPointer

    init() {
        raw = UnsafeMutableRawPointer.allocate(byteCount: OneDNN.memoryDescBytes, alignment: 16)
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: OneDNN.memoryDescBytes)
    }

    /// A plain f32 descriptor of logical `dims` with layout `tag`, or nil when oneDNN refuses it.
    convenience init?(_ lib: OneDNN.Library, dims: [Int64], tag: Int32) {
        self.init()
        let status = dims.withUnsafeBufferPointer { d in
            lib.mdInitByTag(raw, Int32(dims.count), d.baseAddress!, OneDNN.f32, tag)
        }
        if status != 0 { return nil }
    }

    deinit { raw.deallocate() }
}

/// The three float32 convolution computations oneDNN runs for the core.
enum DNNLConvKind: Hashable {
    /// `y = conv(x, w)`.
    case forward
    /// `dx = conv_backprop_input(dy, w)`.
    case backwardData
    /// `dw = conv_backprop_filter(x, dy)`.
    case backwardWeights
}

/// What identifies a convolution plan: the kind, the whole geometry, and whether a bias is added
/// (forward) or its gradient made (backwardWeights).
struct DNNLConvKey: Hashable {
    let kind: DNNLConvKind
    let numbers: [Int]

    init(_ kind: DNNLConvKind, _ g: WindowGeometry, cout: Int, bias: Bool) {
        self.kind = kind
        numbers = [g.batch, g.channels, cout, bias ? 1 : 0] + g.input + g.output + g.window + g.strides + g.dilations +
            g.padBefore
    }
}

/// A ready convolution: the primitive, the plain descriptors of the caller's buffers, and the
/// reorder between the kernel in Keras' layout and the layout the primitive wants (nil when they
/// are the same).
final class DNNLConvPlan: @unchecked Sendable {
    let lib: OneDNN.Library
    let kind: DNNLConvKind
    private var handles: [OneDNN.Handle] = []      // primitive descs (destroyed last)
    private var primitives: [OneDNN.Handle] = []
    let primitive: OneDNN.Handle
    let activationIn: DNNLMemoryDesc    // x (forward, backwardWeights) or dy (backwardData)
    let activationOut: DNNLMemoryDesc   // y (forward), dx (backwardData), or dy (backwardWeights)
    let kernel: DNNLMemoryDesc          // Keras layout
    /// The bias (forward) or its gradient (backwardWeights), `[cout]`, when the plan has one.
    let bias: DNNLMemoryDesc?
    /// The kernel layout of the primitive (borrowed from its descriptor).
    let primitiveKernel: UnsafeRawPointer
    let primitiveKernelBytes: Int
    let kernelReorder: OneDNN.Handle?
    /// The kernel reorder as a gather: element j of its destination is element `gather[j]` of its
    /// source (-1: padding, 0). Found when the plan is made by running the reorder once on element
    /// numbers; the calls then copy on the calling thread instead of running oneDNN's reorder,
    /// whose OpenMP parallel region waited for the thread team (measured under load: 5-15 ms per
    /// 36 KB kernel, against microseconds of copying). Nil when not found (the reorder runs).
    private let gather: UnsafeMutableBufferPointer<Int32>?
    let scratchpad: UnsafeRawPointer?
    let scratchpadBytes: Int
    /// The implementation oneDNN chose ("brg:avx512_core", "jit:avx2", "gemm:jit", ...).
    let implementation: String

    /// Builds the plan, or returns nil when oneDNN has no implementation for it.
    init?(_ lib: OneDNN.Library, _ key: DNNLConvKey, _ g: WindowGeometry, cout: Int, bias hasBias: Bool) {
        self.lib = lib
        kind = key.kind
        // The lowest spatial rank that holds the geometry (a conv1d is a 1-D problem, not 3-D).
        var rank = 3
        if g.input[0] == 1 && g.output[0] == 1 && g.window[0] == 1 && g.padBefore[0] == 0 {
            rank = 2
            if g.input[1] == 1 && g.output[1] == 1 && g.window[1] == 1 && g.padBefore[1] == 0 { rank = 1 }
        }
        let sp = (3 - rank)..<3
        let n = Int64(g.batch), cin = Int64(g.channels), co = Int64(cout)
        let inDims = [n, cin] + sp.map { Int64(g.input[$0]) }
        let outDims = [n, co] + sp.map { Int64(g.output[$0]) }
        let wDims = [co, cin] + sp.map { Int64(g.window[$0]) }
        let strides = sp.map { Int64(g.strides[$0]) }
        let dilates = sp.map { Int64(g.dilations[$0] - 1) }   // oneDNN counts the gaps
        let padL = sp.map { Int64(g.padBefore[$0]) }
        let padR = sp.map { i -> Int64 in
            let eff = (g.window[i] - 1) * g.dilations[i] + 1
            return Int64(max(0, (g.output[i] - 1) * g.strides[i] + eff - g.input[i] - g.padBefore[i]))
        }
        let actTag = OneDNN.activationTags[rank - 1], wTag = OneDNN.kernelTags[rank - 1]
        guard let xMD = DNNLMemoryDesc(lib, dims: inDims, tag: actTag),
              let yMD = DNNLMemoryDesc(lib, dims: outDims, tag: actTag),
              let wMD = DNNLMemoryDesc(lib, dims: wDims, tag: wTag),
              let anyMD = DNNLMemoryDesc(lib, dims: wDims, tag: OneDNN.tagAny) else { return nil }
        let bMD = hasBias && kind != .backwardData ? DNNLMemoryDesc(lib, dims: [co], tag: OneDNN.tagA) : nil
        if hasBias && kind != .backwardData && bMD == nil { return nil }
        bias = bMD
        let op = UnsafeMutableRawPointer.allocate(byteCount: OneDNN.opDescBytes, alignment: 16)
        defer { op.deallocate() }
        func pd(_ hint: OneDNN.Handle?) -> OneDNN.Handle? {
            var p: OneDNN.Handle? = nil
            guard lib.pdCreate(&p, op, lib.attr, lib.engine, hint) == 0, let made = p else { return nil }
            return made
        }
        // The forward descriptor: the primitive itself, or the hint of a backward one.
        let fwdOK = strides.withUnsafeBufferPointer { s in dilates.withUnsafeBufferPointer { d in
            padL.withUnsafeBufferPointer { l in padR.withUnsafeBufferPointer { r in
                lib.convForward(op, OneDNN.forwardTraining, OneDNN.convolutionDirect, xMD.raw, anyMD.raw,
                                bMD.map { UnsafeRawPointer($0.raw) }, yMD.raw, s.baseAddress!, d.baseAddress!, l.baseAddress!, r.baseAddress!) == 0
            } } } }
        guard fwdOK, let forwardPD = pd(nil) else { return nil }
        handles.append(forwardPD)
        var chosen = forwardPD
        let kernelQuery: Int32
        switch kind {
        case .forward:
            kernelQuery = OneDNN.queryWeights
            activationIn = xMD
            activationOut = yMD
        case .backwardData:
            let ok = strides.withUnsafeBufferPointer { s in dilates.withUnsafeBufferPointer { d in
                padL.withUnsafeBufferPointer { l in padR.withUnsafeBufferPointer { r in
                    lib.convBackwardData(op, OneDNN.convolutionDirect, xMD.raw, anyMD.raw, yMD.raw,
                                         s.baseAddress!, d.baseAddress!, l.baseAddress!, r.baseAddress!) == 0
                } } } }
            guard ok, let b = pd(forwardPD) else { return nil }
            handles.append(b)
            chosen = b
            kernelQuery = OneDNN.queryWeights
            activationIn = yMD     // dy
            activationOut = xMD    // dx
        case .backwardWeights:
            let ok = strides.withUnsafeBufferPointer { s in dilates.withUnsafeBufferPointer { d in
                padL.withUnsafeBufferPointer { l in padR.withUnsafeBufferPointer { r in
                    lib.convBackwardWeights(op, OneDNN.convolutionDirect, xMD.raw, anyMD.raw,
                                            bMD.map { UnsafeRawPointer($0.raw) }, yMD.raw,
                                            s.baseAddress!, d.baseAddress!, l.baseAddress!, r.baseAddress!) == 0
                } } } }
            guard ok, let b = pd(forwardPD) else { return nil }
            handles.append(b)
            chosen = b
            kernelQuery = OneDNN.queryDiffWeights
            activationIn = xMD
            activationOut = yMD    // dy
        }
        kernel = wMD
        guard let pk = lib.pdQueryMD(chosen, kernelQuery, 0) else { return nil }
        primitiveKernel = pk
        let pkBytes = lib.mdGetSize(pk)
        primitiveKernelBytes = pkBytes
        // Reorder Keras → primitive (forward, backwardData) or primitive → Keras (backwardWeights).
        var reorderHandle: OneDNN.Handle? = nil
        if lib.mdEqual(pk, wMD.raw) != 0 {
            kernelReorder = nil
        } else {
            var rpd: OneDNN.Handle? = nil
            let (from, to) = kind == .backwardWeights ? (pk, UnsafeRawPointer(wMD.raw)) : (UnsafeRawPointer(wMD.raw), pk)
            guard lib.reorderPDCreate(&rpd, from, lib.engine, to, lib.engine, nil) == 0, let r = rpd else { return nil }
            handles.append(r)
            var rp: OneDNN.Handle? = nil
            guard lib.primitiveCreate(&rp, r) == 0, let reorder = rp else { return nil }
            primitives.append(reorder)
            kernelReorder = reorder
            reorderHandle = reorder
        }
        // The kernel gradient keeps oneDNN's reorder (primitive → Keras; the gather is only
        // learnt for the direction the forward and input-gradient plans use).
        if let r = reorderHandle, key.kind != .backwardWeights {
            gather = DNNLConvPlan.gatherMap(lib, r, wMD.raw, Int(wDims.reduce(1, *)), pk, pkBytes / 4)
        } else {
            gather = nil
        }
        if let s = lib.pdQueryMD(chosen, OneDNN.queryScratchpad, 0), lib.mdGetSize(s) > 0 {
            scratchpad = s
            scratchpadBytes = lib.mdGetSize(s)
        } else {
            scratchpad = nil
            scratchpadBytes = 0
        }
        var info: UnsafePointer<CChar>? = nil
        if lib.pdQuery(chosen, OneDNN.queryImplInfo, 0, &info) == 0, let i = info {
            implementation = String(cString: i)
        } else {
            implementation = "?"
        }
        var p: OneDNN.Handle? = nil
        guard lib.primitiveCreate(&p, chosen) == 0, let made = p else { return nil }
        primitives.append(made)
        primitive = made
    }

    /// The gather equivalent to `reorder` from `count` floats described by `from` to `toCount`
    /// floats described by `to`, or nil (sizes beyond float32's exact integers, or a result that
    /// is not a permutation with zero padding).
    private static func gatherMap(_ lib: OneDNN.Library, _ reorder: OneDNN.Handle, _ from: UnsafeRawPointer,
                                  _ count: Int, _ to: UnsafeRawPointer, _ toCount: Int) -> UnsafeMutableBufferPointer<Int32>? {
        guard count > 0, toCount > 0, count < 1 << 24, toCount < 1 << 24,
              lib.mdGetSize(from) == count &* 4, lib.mdGetSize(to) == toCount &* 4 else { return nil }
        let src = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
        let dst = UnsafeMutableBufferPointer<Float>.allocate(capacity: toCount)
        defer { src.deallocate(); dst.deallocate() }
        for i in 0..<count { src[i] = Float(i &+ 1) }
        dst.initialize(repeating: -1)
        var stream: OneDNN.Handle? = nil, m1: OneDNN.Handle? = nil, m2: OneDNN.Handle? = nil
        defer {
            for m in [m1, m2] { if let m { _ = lib.memoryDestroy(m) } }
            if let stream { _ = lib.streamDestroy(stream) }
        }
        guard lib.streamCreate(&stream, lib.engine, 1) == 0, let s = stream,
              lib.memoryCreate(&m1, from, lib.engine, src.baseAddress) == 0, let a = m1,
              lib.memoryCreate(&m2, to, lib.engine, dst.baseAddress) == 0, let b = m2,
              execute(lib, reorder, s, [(OneDNN.argSrc, a), (OneDNN.argDst, b)]), lib.streamWait(s) == 0 else { return nil }
        let map = UnsafeMutableBufferPointer<Int32>.allocate(capacity: toCount)
        var seen = 0
        for j in 0..<toCount {
            let v = dst[j]
            guard v >= 0, v <= Float(count), v == v.rounded() else { map.deallocate(); return nil }
            map[j] = Int32(v) &- 1
            if v > 0 { seen &+= 1 }
        }
        if seen < Swift.min(count, toCount) { map.deallocate(); return nil }
        return map
    }

    /// Copies the kernel from `src` to `dst` through `gather`.
    private func gatherKernel(_ gather: UnsafeMutableBufferPointer<Int32>, _ src: UnsafeRawPointer,
                              _ dst: UnsafeMutableRawPointer) {
        let s = src.assumingMemoryBound(to: Float.self), d = dst.assumingMemoryBound(to: Float.self)
        for j in 0..<gather.count {
            let k = gather[j]
            d[j] = k >= 0 ? s[Int(k)] : 0
        }
    }

    deinit {
        gather?.deallocate()
        for p in primitives { _ = lib.primitiveDestroy(p) }
        for h in handles { _ = lib.pdDestroy(h) }
    }

    /// Runs the plan on the caller's buffers: `input` is x (forward, backwardWeights) or dy
    /// (backwardData), `kernelData` the kernel in Keras' layout (read, or written by
    /// backwardWeights), `output` y, dx, or — for backwardWeights — dy (read), `biasData` the bias
    /// (read) or its gradient (written) of a plan with a bias. Returns false if oneDNN fails (the
    /// caller then runs its own kernel, which overwrites every output).
    func run(input: UnsafeRawPointer, kernelData: UnsafeMutableRawPointer, output: UnsafeMutableRawPointer,
             biasData: UnsafeMutableRawPointer? = nil) -> Bool {
        let needed = (kernelReorder == nil ? 0 : primitiveKernelBytes + 64) + scratchpadBytes + 64
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: needed, alignment: 64)
        defer { buffer.deallocate() }
        let kernelBuffer: UnsafeMutableRawPointer
        var next = buffer
        if kernelReorder == nil {
            kernelBuffer = kernelData
        } else {
            kernelBuffer = next
            next += (primitiveKernelBytes + 63) & ~63
        }
        var memories: [OneDNN.Handle] = []
        var stream: OneDNN.Handle? = nil
        defer {
            for m in memories { _ = lib.memoryDestroy(m) }
            if let s = stream { _ = lib.streamDestroy(s) }
        }
        func memory(_ md: UnsafeRawPointer, _ data: UnsafeMutableRawPointer) -> OneDNN.Handle? {
            var m: OneDNN.Handle? = nil
            guard lib.memoryCreate(&m, md, lib.engine, data) == 0, let made = m else { return nil }
            memories.append(made)
            return made
        }
        guard lib.streamCreate(&stream, lib.engine, 1) == 0, let s = stream,
              let inMem = memory(activationIn.raw, UnsafeMutableRawPointer(mutating: input)),
              let outMem = memory(activationOut.raw, output),
              let userKernel = memory(kernel.raw, kernelData),
              let primKernel = kernelReorder == nil ? userKernel : memory(primitiveKernel, kernelBuffer)
        else { return false }
        var args: [(Int32, OneDNN.Handle)]
        switch kind {
        case .forward: args = [(OneDNN.argSrc, inMem), (OneDNN.argWeights, primKernel), (OneDNN.argDst, outMem)]
        case .backwardData:
            args = [(OneDNN.argDiffDst, inMem), (OneDNN.argWeights, primKernel), (OneDNN.argDiffSrc, outMem)]
        case .backwardWeights:
            args = [(OneDNN.argSrc, inMem), (OneDNN.argDiffDst, outMem), (OneDNN.argDiffWeights, primKernel)]
        }
        if let md = bias {
            guard let data = biasData, let b = memory(md.raw, data) else { return false }
            args.append((kind == .forward ? OneDNN.argBias : OneDNN.argDiffBias, b))
        }
        if let md = scratchpad {
            guard let sp = memory(md, next) else { return false }
            args.append((OneDNN.argScratchpad, sp))
        }
        // The kernel reorders move a few KB: split over OpenMP's threads they cost a parallel
        // region each (measured under load: 9-14 ms per reorder, a third of an autoencoder's
        // oneDNN time), so they run on the calling thread alone.
        if let gather, kind != .backwardWeights {
            gatherKernel(gather, kernelData, kernelBuffer)
        } else if let reorder = kernelReorder, kind != .backwardWeights {
            guard lib.onCallingThread({ execute(reorder, s, [(OneDNN.argSrc, userKernel), (OneDNN.argDst, primKernel)]) })
            else { return false }
        }
        guard execute(primitive, s, args) else { return false }
        if let reorder = kernelReorder, kind == .backwardWeights {
            guard lib.onCallingThread({ execute(reorder, s, [(OneDNN.argSrc, primKernel), (OneDNN.argDst, userKernel)]) })
            else { return false }
        }
        return lib.streamWait(s) == 0
    }

    private func execute(_ p: OneDNN.Handle, _ s: OneDNN.Handle, _ args: [(Int32, OneDNN.Handle)]) -> Bool {
        DNNLConvPlan.execute(lib, p, s, args)
    }

    /// `dnnl_primitive_execute` with `dnnl_exec_arg_t { int arg; dnnl_memory_t memory; }` entries.
    private static func execute(_ lib: OneDNN.Library, _ p: OneDNN.Handle, _ s: OneDNN.Handle,
                                _ args: [(Int32, OneDNN.Handle)]) -> Bool {
        let stride = 16
        let raw = UnsafeMutableRawPointer.allocate(byteCount: args.count * stride, alignment: 16)
        defer { raw.deallocate() }
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: args.count * stride)
        for (i, a) in args.enumerated() {
            raw.storeBytes(of: a.0, toByteOffset: i * stride, as: Int32.self)
            raw.storeBytes(of: a.1, toByteOffset: i * stride + 8, as: OneDNN.Handle.self)
        }
        return lib.primitiveExecute(p, s, Int32(args.count), raw) == 0
    }
}

extension OneDNN {
    /// The plans made so far; a geometry oneDNN cannot run is remembered as nil.
    private static let plans = Mutex<[DNNLConvKey: DNNLConvPlan?]>([:])
    /// Beyond this many geometries plans are made per call and not kept.
    private static let maxPlans = 512

    /// The plan for `kind` over `g` (with a bias or its gradient when `bias`), made on first use, or
    /// nil (no oneDNN, or no implementation).
    static func convPlan(_ kind: DNNLConvKind, _ g: WindowGeometry, cout: Int, bias: Bool = false) -> DNNLConvPlan? {
        guard let lib = active else { return nil }
        // oneDNN's dimensions are positive and its indices 32-bit here: leave the rest to the fallback.
        let sizes = [g.batch, g.channels, cout] + g.input + g.output
        if sizes.contains(where: { $0 <= 0 }) { return nil }
        if g.batch &* g.inputSpatial &* g.channels >= Int(Int32.max) ||
            g.batch &* g.outputSpatial &* cout >= Int(Int32.max) { return nil }
        // oneDNN 2.6's 1×1 kernel gradient with strides (jit_1x1, "reduce to unit stride") is
        // wrong on every second call of the same primitive (a 2×1-strided 1×1 kernel: right, wrong,
        // right, ...; tests/test_conv_onednn.py): left to the fallback.
        if kind == .backwardWeights && g.window.allSatisfy({ $0 == 1 }) && g.strides.contains(where: { $0 > 1 }) {
            return nil
        }
        let key = DNNLConvKey(kind, g, cout: cout, bias: bias)
        if let known = plans.withLock({ $0[key] }) { return known }
        let plan = DNNLConvPlan(lib, key, g, cout: cout, bias: bias)
        plans.withLock { table in
            if table.count < maxPlans { table[key] = .some(plan) }
        }
        return plan
    }

    /// Runs a float32 convolution computation on oneDNN when it can; false means "not done, use
    /// the fallback" (nothing useful was written). `bias` (`[cout]` floats): the bias the forward
    /// convolution adds, or where backwardWeights writes the bias gradient (the sum of dy over
    /// every axis but the last).
    static func convolve(_ kind: DNNLConvKind, _ g: WindowGeometry, cout: Int, input: UnsafeRawPointer,
                         kernel: UnsafeMutableRawPointer, output: UnsafeMutableRawPointer,
                         bias: UnsafeMutableRawPointer? = nil) -> Bool {
        guard let plan = convPlan(kind, g, cout: cout, bias: bias != nil) else { return false }
        return plan.run(input: input, kernelData: kernel, output: output, biasData: bias)
    }

    /// The implementation oneDNN picks for `kind` over `g` ("jit:avx512_core", ...), or nil.
    static func implementation(_ kind: DNNLConvKind, _ g: WindowGeometry, cout: Int) -> String? {
        convPlan(kind, g, cout: cout)?.implementation
    }
}
