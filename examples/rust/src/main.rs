//! SwiftKeras from Rust: tensors, a gradient and a small Keras model trained with
//! `sk_model_fit_ex` and a Rust callback. The declarations below are a hand-written `extern "C"`
//! block for the functions used, transcribed from include/swiftkeras.h (no bindgen, no crates).
//! Threads: the last error and tapes are per OS thread; Rust's std threads are OS threads, so
//! nothing special is needed (a green-thread runtime must pin a tape's calls to one thread).

use std::ffi::{c_char, c_void, CStr, CString};
use std::ptr;

/// Opaque handle types (`typedef struct sk_tensor sk_tensor;` ...): only ever behind pointers.
macro_rules! opaque {
    ($($name:ident),*) => { $( #[repr(C)] pub struct $name { _private: [u8; 0] } )* };
}
opaque!(SkTensor, SkTape, SkLayer, SkModel, SkHistory, SkKerasCallback);

const SK_OK: i32 = 0;
const SK_ERR_INVALID_HANDLE: i32 = 7;
const SK_FLOAT32: i32 = 1;
const SK_FLOAT64: i32 = 2;
const SK_UNCONNECTED_NONE: i32 = 0;

type ProgressFn = extern "C" fn(*mut c_void, i32, *const *const c_char, *const f64, i32) -> i32;
type EpochFn = extern "C" fn(*mut c_void, i32) -> i32;
type BatchFn = extern "C" fn(*mut c_void, i32, i32, *const *const c_char, *const f64, i32) -> i32;

/// `sk_fit_args` of swiftkeras/training.h (version 2), field for field.
#[repr(C)]
pub struct SkFitArgs {
    struct_size: usize,
    batch_size: i64,
    epochs: i32,
    initial_epoch: i32,
    verbose: i32,
    shuffle: u8,
    seed: i64,
    validation_split: f64,
    validation_x: *const *const SkTensor,
    n_validation_x: i32,
    validation_y: *const SkTensor,
    validation_sample_weight: *const SkTensor,
    sample_weight: *const SkTensor,
    class_weight: *const f64,
    class_ids: *const i64,
    n_class_weight: i32,
    on_epoch_end: Option<ProgressFn>,
    on_epoch_begin: Option<EpochFn>,
    on_train_batch_begin: Option<BatchFn>,
    on_train_batch_end: Option<BatchFn>,
    user_data: *mut c_void,
    callbacks: *const *mut SkKerasCallback,
    n_callbacks: i32,
}

#[link(name = "swiftkeras")]
extern "C" {
    fn sk_version() -> *const c_char;
    fn sk_last_error_message() -> *const c_char;
    fn sk_tensor_from_data(data: *const c_void, dtype: i32, shape: *const i64, ndim: i32, out: *mut *mut SkTensor) -> i32;
    fn sk_scalar(value: f64, dtype: i32, out: *mut *mut SkTensor) -> i32;
    fn sk_tensor_copy_data(t: *const SkTensor, out: *mut c_void, capacity: usize) -> i32;
    fn sk_tensor_release(t: *mut SkTensor);
    fn sk_sum(x: *const SkTensor, axes: *const i64, n_axes: i32, keepdims: u8, out: *mut *mut SkTensor) -> i32;
    fn sk_multiply(a: *const SkTensor, b: *const SkTensor, out: *mut *mut SkTensor) -> i32;
    fn sk_sin(x: *const SkTensor, out: *mut *mut SkTensor) -> i32;
    fn sk_reshape(x: *const SkTensor, shape: *const i64, ndim: i32, out: *mut *mut SkTensor) -> i32;
    fn sk_tape_create(persistent: u8, watch_accessed_variables: u8, out: *mut *mut SkTape) -> i32;
    fn sk_tape_start(tape: *mut SkTape) -> i32;
    fn sk_tape_stop(tape: *mut SkTape) -> i32;
    fn sk_tape_watch(tape: *mut SkTape, t: *const SkTensor) -> i32;
    fn sk_tape_gradient(tape: *mut SkTape, target: *const SkTensor, sources: *const *const SkTensor,
                        variables: *const *const c_void, n_sources: i32, output_gradients: *const SkTensor,
                        unconnected: i32, grads: *mut *mut SkTensor) -> i32;
    fn sk_tape_release(tape: *mut SkTape);
    fn sk_layer_create(class_name: *const c_char, config_json: *const c_char, out: *mut *mut SkLayer) -> i32;
    fn sk_layer_release(l: *mut SkLayer);
    fn sk_sequential_create(layers: *const *const SkLayer, n: i32, name: *const c_char, out: *mut *mut SkModel) -> i32;
    fn sk_model_compile(m: *mut SkModel, optimizer_name: *const c_char, optimizer: *mut c_void, loss_name: *const c_char,
                        loss: *const c_void, metrics: *const *const c_char, n_metrics: i32) -> i32;
    fn sk_model_release(m: *mut SkModel);
    fn sk_fit_args_init(args: *mut SkFitArgs, struct_size: usize) -> i32;
    fn sk_model_fit_ex(m: *mut SkModel, x: *const *const SkTensor, n_x: i32, y: *const SkTensor,
                       args: *const SkFitArgs, history: *mut *mut SkHistory) -> i32;
    fn sk_history_epochs(h: *const SkHistory) -> i32;
    fn sk_history_release(h: *mut SkHistory);
    fn sk_set_num_threads(n: i32) -> i32;
    fn sk_get_num_threads() -> i32;
}

/// Panics with the library's message when a call fails.
fn check(rc: i32, what: &str) {
    if rc != SK_OK {
        let msg = unsafe { CStr::from_ptr(sk_last_error_message()) }.to_string_lossy();
        panic!("{what}: error {rc}: {msg}");
    }
}

fn value(t: *const SkTensor) -> f64 {
    let mut v = 0f64;
    check(unsafe { sk_tensor_copy_data(t, &mut v as *mut f64 as *mut c_void, 8) }, "copy_data");
    v
}

/// What the epoch callback collects.
struct Progress { losses: Vec<f64> }

extern "C" fn on_epoch_end(user: *mut c_void, _epoch: i32, names: *const *const c_char, values: *const f64, n: i32) -> i32 {
    let progress = unsafe { &mut *(user as *mut Progress) };
    for i in 0..n as usize {
        let name = unsafe { CStr::from_ptr(*names.add(i)) };
        if name.to_bytes() == b"loss" {
            progress.losses.push(unsafe { *values.add(i) });
        }
    }
    SK_OK
}

fn main() {
    let version = unsafe { CStr::from_ptr(sk_version()) }.to_string_lossy();
    println!("SwiftKeras {version} from Rust");
    unsafe {
        // Tensors.
        let a: [f32; 4] = [1.0, 2.0, 3.0, 4.0];
        let shape: [i64; 2] = [2, 2];
        let (mut t, mut s) = (ptr::null_mut(), ptr::null_mut());
        check(sk_tensor_from_data(a.as_ptr() as *const c_void, SK_FLOAT32, shape.as_ptr(), 2, &mut t), "from_data");
        check(sk_sum(t, ptr::null(), 0, 0, &mut s), "sum");
        let mut sum = 0f32;
        check(sk_tensor_copy_data(s, &mut sum as *mut f32 as *mut c_void, 4), "copy_data");
        assert_eq!(sum, 10.0);
        println!("sum([[1, 2], [3, 4]]) = {sum:.1}");
        sk_tensor_release(s);
        sk_tensor_release(t);

        // d(x * sin x)/dx = sin x + x cos x.
        let x0 = 0.7f64;
        let (mut x, mut sx, mut y, mut g) = (ptr::null_mut(), ptr::null_mut(), ptr::null_mut(), ptr::null_mut());
        let mut tape = ptr::null_mut();
        check(sk_scalar(x0, SK_FLOAT64, &mut x), "scalar");
        check(sk_tape_create(0, 1, &mut tape), "tape_create");
        check(sk_tape_start(tape), "tape_start");
        check(sk_tape_watch(tape, x), "tape_watch");
        check(sk_sin(x, &mut sx), "sin");
        check(sk_multiply(x, sx, &mut y), "multiply");
        check(sk_tape_stop(tape), "tape_stop");
        let sources = [x as *const SkTensor];
        check(sk_tape_gradient(tape, y, sources.as_ptr(), ptr::null(), 1, ptr::null(), SK_UNCONNECTED_NONE, &mut g), "gradient");
        let want = x0.sin() + x0 * x0.cos();
        assert!((value(g) - want).abs() < 1e-12, "gradient {} != {}", value(g), want);
        println!("d(x sin x)/dx at 0.7 = {:.6} (exact {:.6})", value(g), want);
        for p in [g, y, sx, x] { sk_tensor_release(p); }
        sk_tape_release(tape);

        // Errors: a status code and a thread-local message.
        let mut r = ptr::null_mut();
        assert_eq!(sk_reshape(ptr::null(), ptr::null(), 0, &mut r), SK_ERR_INVALID_HANDLE);
        assert!(r.is_null());
        println!("error message: {}", CStr::from_ptr(sk_last_error_message()).to_string_lossy());

        // Threads: one op may use 2 threads.
        check(sk_set_num_threads(2), "set_num_threads");
        assert_eq!(sk_get_num_threads(), 2);

        // A linear model learns y = 2 x0 - 3 x1 + 1 with fit and a Rust callback.
        const N: usize = 64;
        let mut xs = vec![0f32; 2 * N];
        let mut ys = vec![0f32; N];
        for i in 0..N {
            let (p, q) = ((i % 8) as f32 / 4.0 - 1.0, (i / 8) as f32 / 4.0 - 1.0);
            xs[2 * i] = p;
            xs[2 * i + 1] = q;
            ys[i] = 2.0 * p - 3.0 * q + 1.0;
        }
        let (mut xt, mut yt) = (ptr::null_mut(), ptr::null_mut());
        check(sk_tensor_from_data(xs.as_ptr() as *const c_void, SK_FLOAT32, [N as i64, 2].as_ptr(), 2, &mut xt), "x");
        check(sk_tensor_from_data(ys.as_ptr() as *const c_void, SK_FLOAT32, [N as i64, 1].as_ptr(), 2, &mut yt), "y");
        let (class, config) = (CString::new("Dense").unwrap(), CString::new(r#"{"units": 1, "input_shape": [2]}"#).unwrap());
        let mut dense = ptr::null_mut();
        check(sk_layer_create(class.as_ptr(), config.as_ptr(), &mut dense), "layer_create");
        let mut model = ptr::null_mut();
        let layers = [dense as *const SkLayer];
        let name = CString::new("linear").unwrap();
        check(sk_sequential_create(layers.as_ptr(), 1, name.as_ptr(), &mut model), "sequential_create");
        let (opt, loss) = (CString::new("sgd").unwrap(), CString::new("mse").unwrap());
        check(sk_model_compile(model, opt.as_ptr(), ptr::null_mut(), loss.as_ptr(), ptr::null(), ptr::null(), 0), "compile");

        let mut args: SkFitArgs = std::mem::zeroed();
        check(sk_fit_args_init(&mut args, std::mem::size_of::<SkFitArgs>()), "fit_args_init");
        let mut progress = Progress { losses: Vec::new() };
        args.epochs = 30;
        args.batch_size = 8;
        args.verbose = 0;
        args.seed = 7;
        args.on_epoch_end = Some(on_epoch_end);
        args.user_data = &mut progress as *mut Progress as *mut c_void;
        let inputs = [xt as *const SkTensor];
        let mut history = ptr::null_mut();
        check(sk_model_fit_ex(model, inputs.as_ptr(), 1, yt, &args, &mut history), "fit_ex");
        assert_eq!(sk_history_epochs(history), 30);
        assert_eq!(progress.losses.len(), 30);
        let (first, last) = (progress.losses[0], progress.losses[29]);
        assert!(last < first / 2.0, "loss did not fall: {first} -> {last}");
        println!("fit: loss {first:.4} -> {last:.4} over 30 epochs (Rust callback)");
        sk_history_release(history);
        sk_model_release(model);
        sk_layer_release(dense);
        sk_tensor_release(xt);
        sk_tensor_release(yt);
        check(sk_set_num_threads(0), "set_num_threads");
    }
}
