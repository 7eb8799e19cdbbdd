/* What the library does when it is loaded into a process, and the facts about the CPU it needs.
 * Compiled for the x86-64 baseline (the pragma below), unlike the rest of this target: this code
 * must run on any x86-64 CPU so that a CPU without AVX2/FMA gets an error message instead of an
 * illegal instruction. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE   /* dladdr */
#endif
#include "swiftkeras_kernels.h"

#include <dirent.h>
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>
#pragma clang attribute push(__attribute__((target("arch=x86-64"))), apply_to = function)
#endif

/* Names of the feature bits, in bit order (as /proc/cpuinfo spells them). */
static const char *const feature_names[] = {
    "sse4_2", "popcnt", "avx", "avx2", "fma", "bmi1", "bmi2", "f16c", "movbe", "abm",
    "avx512f", "avx512bw", "avx512vl", "avx512dq",
};
#define N_FEATURES (sizeof feature_names / sizeof feature_names[0])

/* What the library is compiled for (-march=haswell, x86-64-v3). */
#define REQUIRED (SKK_CPU_SSE4_2 | SKK_CPU_POPCNT | SKK_CPU_AVX | SKK_CPU_AVX2 | SKK_CPU_FMA | \
                  SKK_CPU_BMI1 | SKK_CPU_BMI2 | SKK_CPU_F16C | SKK_CPU_MOVBE | SKK_CPU_LZCNT)

unsigned skk_cpu_feature_bit(const char *name) {
    for (unsigned i = 0; i < N_FEATURES; i++)
        if (strcmp(feature_names[i], name) == 0) return 1u << i;
    return 0;
}

#if defined(__x86_64__)
static unsigned long long xcr0(void) {
    unsigned eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((unsigned long long)edx << 32) | eax;
}
#endif

/* The features of this CPU that the operating system also enables (AVX needs the OS to save
 * the YMM registers, AVX-512 the ZMM ones). */
static unsigned detect(void) {
    unsigned f = 0;
#if defined(__x86_64__)
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    if (c & (1u << 20)) f |= SKK_CPU_SSE4_2;
    if (c & (1u << 23)) f |= SKK_CPU_POPCNT;
    if (c & (1u << 22)) f |= SKK_CPU_MOVBE;
    int os_ymm = 0, os_zmm = 0;
    if ((c & (1u << 27)) != 0) {  /* OSXSAVE: xgetbv is available */
        unsigned long long x = xcr0();
        os_ymm = (x & 0x6) == 0x6;
        os_zmm = os_ymm && (x & 0xe0) == 0xe0;
    }
    if (os_ymm) {
        if (c & (1u << 28)) f |= SKK_CPU_AVX;
        if (c & (1u << 12)) f |= SKK_CPU_FMA;
        if (c & (1u << 29)) f |= SKK_CPU_F16C;
    }
    if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
        if (b & (1u << 3)) f |= SKK_CPU_BMI1;
        if (b & (1u << 8)) f |= SKK_CPU_BMI2;
        if (os_ymm && (b & (1u << 5))) f |= SKK_CPU_AVX2;
        if (os_zmm) {
            if (b & (1u << 16)) f |= SKK_CPU_AVX512F;
            if (b & (1u << 30)) f |= SKK_CPU_AVX512BW;
            if (b & (1u << 31)) f |= SKK_CPU_AVX512VL;
            if (b & (1u << 17)) f |= SKK_CPU_AVX512DQ;
        }
    }
    if (__get_cpuid(0x80000001u, &a, &b, &c, &d) && (c & (1u << 5))) f |= SKK_CPU_LZCNT;
#endif
    return f;
}

static unsigned features;           /* set once, at load, before any other code of the library runs */
static char missing_message[256];  /* "" when the CPU has everything the library needs */

unsigned skk_cpu_features(void) { return features; }

const char *skk_cpu_missing_message(void) { return missing_message[0] ? missing_message : NULL; }

const char *skk_openblas_core_type(unsigned f) {
    const unsigned avx512 = SKK_CPU_AVX512F | SKK_CPU_AVX512BW | SKK_CPU_AVX512VL | SKK_CPU_AVX512DQ;
    if ((f & avx512) == avx512) return "SKYLAKEX";
    if ((f & (SKK_CPU_AVX2 | SKK_CPU_FMA)) == (SKK_CPU_AVX2 | SKK_CPU_FMA)) return "HASWELL";
    return NULL;
}

/* SWIFTKERAS_TEST_HIDE_CPU_FEATURES="avx2,fma" pretends the CPU lacks those features (to test
 * the error a CPU without them gets). */
static unsigned hidden_features(void) {
    const char *v = getenv("SWIFTKERAS_TEST_HIDE_CPU_FEATURES");
    if (v == NULL) return 0;
    unsigned hidden = 0;
    char name[32];
    while (*v) {
        size_t n = strcspn(v, ", ");
        if (n > 0 && n < sizeof name) {
            memcpy(name, v, n);
            name[n] = 0;
            hidden |= skk_cpu_feature_bit(name);
        }
        v += n;
        while (*v == ',' || *v == ' ') v++;
    }
    return hidden;
}

static void describe_missing(unsigned missing) {
    size_t used = 0;
    const char *intro = "SwiftKeras needs an x86-64-v3 CPU (AVX2, FMA, BMI2: Intel Haswell, AMD Zen or newer); this CPU lacks:";
    used = strlen(intro);
    memcpy(missing_message, intro, used);
    for (unsigned i = 0; i < N_FEATURES; i++) {
        if (!(missing & (1u << i))) continue;
        size_t n = strlen(feature_names[i]);
        if (used + n + 2 >= sizeof missing_message) break;
        missing_message[used++] = ' ';
        for (size_t k = 0; k < n; k++) {
            char ch = feature_names[i][k];
            missing_message[used++] = (ch >= 'a' && ch <= 'z') ? (char)(ch - 'a' + 'A') : ch;
        }
    }
    missing_message[used] = 0;
}

/* 1 when the process has exactly one thread (counted in /proc/self/task), 0 otherwise or when
 * that cannot be told. */
static int single_threaded(void) {
    DIR *d = opendir("/proc/self/task");
    if (d == NULL) return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.') n++;
    closedir(d);
    return n == 1;
}

static int env_flag(const char *name) {
    const char *v = getenv(name);
    return v != NULL && v[0] != 0 && strcmp(v, "0") != 0;
}

/* OpenBLAS (Debian's 0.3.21) misdetects recent CPUs and then runs a slow kernel unless
 * OPENBLAS_CORETYPE names the right one when it loads. The environment may only be changed while
 * no other thread can read it, so: when the process is still single-threaded (a program linking
 * the library, or a single-threaded interpreter importing it), the user has not chosen a core
 * type and this CPU wants one, set it, load OpenBLAS, and restore the environment at once —
 * the host and its children never see the variable. Otherwise OpenBLAS is loaded lazily at the
 * first matrix product and picks its kernel itself (set OPENBLAS_CORETYPE before starting the
 * process to choose). */
static void preload_openblas(void) {
    if (env_flag("SWIFTKERAS_NO_BLAS") || getenv("OPENBLAS_CORETYPE") != NULL) return;
    const char *core = skk_openblas_core_type(features);
    if (core == NULL || !single_threaded()) return;
    if (setenv("OPENBLAS_CORETYPE", core, 0) != 0) return;
    /* kept loaded for the life of the process; BLAS.swift's dlopen finds it */
    if (dlopen("libopenblas.so.0", RTLD_NOW | RTLD_LOCAL) == NULL) (void)dlopen("libopenblas.so", RTLD_NOW | RTLD_LOCAL);
    unsetenv("OPENBLAS_CORETYPE");
}

/* oneDNN (loaded later, at the first float32 convolution) runs on libgomp, whose idle threads
 * spin and take the cores from the library's own threads between two convolutions. libgomp reads
 * OMP_WAIT_POLICY once, when it loads: while the process is single-threaded and the user has not
 * chosen, load libgomp with "passive" (sleeping idle threads) and restore the environment at once,
 * as for OpenBLAS. libgomp is small; oneDNN itself is not loaded here. */
static int openmp_passive;          /* set once, at load: libgomp was loaded here with "passive" */

int skk_openmp_loaded_passive(void) { return openmp_passive; }

int skk_same_object(const void *a, const void *b) {
    Dl_info ia, ib;
    if (dladdr(a, &ia) == 0 || dladdr(b, &ib) == 0 || ia.dli_fbase == NULL) return 0;
    return ia.dli_fbase == ib.dli_fbase;
}

static void preload_openmp(void) {
    if (env_flag("SWIFTKERAS_NO_DNNL") || getenv("OMP_WAIT_POLICY") != NULL || !single_threaded()) return;
    void *already = dlopen("libgomp.so.1", RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD);
    if (already != NULL) {   /* loaded before us: it has read its wait policy already */
        dlclose(already);
        return;
    }
    if (setenv("OMP_WAIT_POLICY", "passive", 0) != 0) return;
    /* kept loaded; libdnnl binds to it */
    openmp_passive = dlopen("libgomp.so.1", RTLD_NOW | RTLD_LOCAL) != NULL;
    unsetenv("OMP_WAIT_POLICY");
}

__attribute__((constructor)) static void skk_on_load(void) {
    features = detect() & ~hidden_features();
    unsigned missing = REQUIRED & ~features;
#if defined(__x86_64__)
    if (missing) {
        describe_missing(missing);
        return;
    }
#else
    (void)missing;
#endif
    preload_openmp();    /* first: OpenBLAS starts its threads when it loads */
    preload_openblas();
}

#if defined(__x86_64__)
#pragma clang attribute pop
#endif
