// SwiftKeras from Go through cgo: tensors, gradients (also from many goroutines at once) and a
// small Keras model trained with sk_model_fit_ex and a Go callback. Built against the installed
// library through pkg-config:
//
//	PKG_CONFIG_PATH=$PREFIX/lib/pkgconfig go run .
//
// Threads: the last error and the recording tape belong to the OS thread (see swiftkeras.h).
// Goroutines move between OS threads at any call, so every goroutine that records a tape or
// reads sk_last_error_message after a failure calls runtime.LockOSThread() first, for as long
// as the sequence lasts. Without it, gradients come back NULL (the ops ran on a thread the
// tape does not watch) and errors read another thread's message.
package main

/*
#cgo pkg-config: swiftkeras
#include <stdlib.h>
#include "swiftkeras.h"

int32_t goEpochEnd(void *user_data, int32_t epoch, char **names, double *values, int32_t n);
*/
import "C"

import (
	"fmt"
	"math"
	"os"
	"runtime"
	"sync"
	"unsafe"
)

// check stops the program with the library's message. Call it on the OS thread that made the
// failing call (the goroutine must be locked to its thread for the message to be the right one).
func check(rc C.int32_t, what string) {
	if rc != C.SK_OK {
		fmt.Fprintf(os.Stderr, "%s: error %d: %s\n", what, int(rc), C.GoString(C.sk_last_error_message()))
		os.Exit(1)
	}
}

func scalar(v float64) *C.sk_tensor {
	var t *C.sk_tensor
	check(C.sk_scalar(C.double(v), C.SK_FLOAT64, &t), "sk_scalar")
	return t
}

func value(t *C.sk_tensor) float64 {
	var v C.double
	check(C.sk_tensor_copy_data(t, unsafe.Pointer(&v), C.size_t(unsafe.Sizeof(v))), "sk_tensor_copy_data")
	return float64(v)
}

// gradient returns d(x^3)/dx at x, computed with a tape. The caller's goroutine must be locked
// to its OS thread: the tape records the ops of the thread that started it.
func gradient(x float64) (float64, bool) {
	xt := scalar(x)
	defer C.sk_tensor_release(xt)
	var tape *C.sk_tape
	check(C.sk_tape_create(0, 1, &tape), "sk_tape_create")
	defer C.sk_tape_release(tape)
	check(C.sk_tape_start(tape), "sk_tape_start")
	check(C.sk_tape_watch(tape, xt), "sk_tape_watch")
	var sq, cube *C.sk_tensor
	check(C.sk_square(xt, &sq), "sk_square")
	check(C.sk_multiply(sq, xt, &cube), "sk_multiply")
	C.sk_tensor_release(sq)
	check(C.sk_tape_stop(tape), "sk_tape_stop")
	var g *C.sk_tensor
	src := []*C.sk_tensor{xt}
	check(C.sk_tape_gradient(tape, cube, (**C.sk_tensor)(unsafe.Pointer(&src[0])), nil, 1, nil, C.SK_UNCONNECTED_NONE, &g), "sk_tape_gradient")
	C.sk_tensor_release(cube)
	if g == nil {
		return 0, false
	}
	defer C.sk_tensor_release(g)
	return value(g), true
}

// The losses the epoch callback saw, in order.
var losses []float64

//export goEpochEnd
func goEpochEnd(userData unsafe.Pointer, epoch C.int32_t, names **C.char, values *C.double, n C.int32_t) C.int32_t {
	ns := unsafe.Slice(names, int(n))
	vs := unsafe.Slice(values, int(n))
	for i := range ns {
		if C.GoString(ns[i]) == "loss" {
			losses = append(losses, float64(vs[i]))
		}
	}
	return C.SK_OK
}

func train() {
	// y = 2*x0 - 3*x1 + 1 on 64 points: a linear model learns it.
	const n = 64
	xs := make([]float32, 2*n)
	ys := make([]float32, n)
	for i := 0; i < n; i++ {
		a, b := float32(i%8)/4-1, float32(i/8)/4-1
		xs[2*i], xs[2*i+1] = a, b
		ys[i] = 2*a - 3*b + 1
	}
	var x, y *C.sk_tensor
	xshape := []C.int64_t{n, 2}
	yshape := []C.int64_t{n, 1}
	check(C.sk_tensor_from_data(unsafe.Pointer(&xs[0]), C.SK_FLOAT32, &xshape[0], 2, &x), "x")
	check(C.sk_tensor_from_data(unsafe.Pointer(&ys[0]), C.SK_FLOAT32, &yshape[0], 2, &y), "y")
	defer C.sk_tensor_release(x)
	defer C.sk_tensor_release(y)

	cls := C.CString("Dense")
	cfg := C.CString(`{"units": 1, "input_shape": [2]}`)
	defer C.free(unsafe.Pointer(cls))
	defer C.free(unsafe.Pointer(cfg))
	var dense *C.sk_layer
	check(C.sk_layer_create(cls, cfg, &dense), "sk_layer_create")
	defer C.sk_layer_release(dense)
	var model *C.sk_model
	layers := []*C.sk_layer{dense}
	name := C.CString("linear")
	defer C.free(unsafe.Pointer(name))
	check(C.sk_sequential_create((**C.sk_layer)(unsafe.Pointer(&layers[0])), 1, name, &model), "sk_sequential_create")
	defer C.sk_model_release(model)
	opt, loss := C.CString("sgd"), C.CString("mse")
	defer C.free(unsafe.Pointer(opt))
	defer C.free(unsafe.Pointer(loss))
	check(C.sk_model_compile(model, opt, nil, loss, nil, nil, 0), "sk_model_compile")

	var args C.sk_fit_args
	check(C.sk_fit_args_init(&args, C.size_t(unsafe.Sizeof(args))), "sk_fit_args_init")
	args.epochs = 30
	args.batch_size = 8
	args.verbose = 2 // one line per epoch on stdout: flushed line by line, so none is lost at os.Exit
	args.seed = 7
	args.on_epoch_end = C.sk_progress_fn(C.goEpochEnd)
	xin := []*C.sk_tensor{x}
	var hist *C.sk_history
	check(C.sk_model_fit_ex(model, (**C.sk_tensor)(unsafe.Pointer(&xin[0])), 1, y, &args, &hist), "sk_model_fit_ex")
	defer C.sk_history_release(hist)
	if len(losses) != 30 || int(C.sk_history_epochs(hist)) != 30 {
		fmt.Fprintf(os.Stderr, "expected 30 epochs, callback saw %d\n", len(losses))
		os.Exit(1)
	}
	if !(losses[29] < losses[0]/2) {
		fmt.Fprintf(os.Stderr, "loss did not fall: %v -> %v\n", losses[0], losses[29])
		os.Exit(1)
	}
	fmt.Printf("fit: loss %.4f -> %.4f over %d epochs (Go callback)\n", losses[0], losses[29], len(losses))
}

func main() {
	fmt.Println("SwiftKeras", C.GoString(C.sk_version()), "from Go")

	// Tensors and one gradient on the main goroutine, pinned to its thread.
	runtime.LockOSThread()
	a := []float32{1, 2, 3, 4}
	shape := []C.int64_t{2, 2}
	var t, s *C.sk_tensor
	check(C.sk_tensor_from_data(unsafe.Pointer(&a[0]), C.SK_FLOAT32, &shape[0], 2, &t), "sk_tensor_from_data")
	check(C.sk_sum(t, nil, 0, 0, &s), "sk_sum")
	var sum C.float
	check(C.sk_tensor_copy_data(s, unsafe.Pointer(&sum), 4), "copy")
	C.sk_tensor_release(s)
	C.sk_tensor_release(t)
	fmt.Printf("sum([[1, 2], [3, 4]]) = %.1f\n", float32(sum))
	if g, ok := gradient(2); !ok || g != 12 {
		fmt.Fprintf(os.Stderr, "d(x^3)/dx at 2: got %v (ok=%v), want 12\n", g, ok)
		os.Exit(1)
	}
	fmt.Println("d(x^3)/dx at 2 = 12")

	// 3,000 gradients from 30 goroutines: each locks its OS thread while it uses tapes.
	const workers, each = 30, 100
	var wg sync.WaitGroup
	var mu sync.Mutex
	bad := 0
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			for i := 0; i < each; i++ {
				x := float64(w*each+i)/1000 - 1
				g, ok := gradient(x)
				if !ok || math.Abs(g-3*x*x) > 1e-12 {
					mu.Lock()
					bad++
					mu.Unlock()
				}
				runtime.Gosched() // invite the scheduler to move us: locked, we stay
			}
		}(w)
	}
	wg.Wait()
	if bad != 0 {
		fmt.Fprintf(os.Stderr, "%d of %d gradients were wrong or NULL\n", bad, workers*each)
		os.Exit(1)
	}
	fmt.Printf("%d gradients from %d goroutines: all correct\n", workers*each, workers)

	// An error message is read on the thread of the failing call (we are still locked).
	var bad2 *C.sk_tensor
	if rc := C.sk_reshape(nil, nil, 0, &bad2); rc != C.SK_ERR_INVALID_HANDLE {
		fmt.Fprintf(os.Stderr, "sk_reshape(NULL): got %d\n", int(rc))
		os.Exit(1)
	}
	fmt.Println("error message:", C.GoString(C.sk_last_error_message()))

	train()
	// os.Exit leaves without libc's exit(): the library's output must already be flushed.
	os.Exit(0)
}
