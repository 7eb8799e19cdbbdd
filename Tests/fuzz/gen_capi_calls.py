#!/usr/bin/env python3
"""Generates the call table of the C fuzz harness (Tests/fuzz/fuzz_capi.c) from the header.

Every function declared in include/swiftkeras.h and its parts gets one caller that draws each
argument from the harness's hostile pools by the parameter's type and name (handles from the
pool of live objects or NULL, counts within the arrays passed, dims / axes / dtype codes /
doubles / strings from the hostile value sets), and every callback type gets a stub. Run by
`make fuzz` / `make test-fuzz-quick`; the output goes to Tests/fuzz/build/capi_calls.inc, so
the table always matches the header.

    python3 Tests/fuzz/gen_capi_calls.py OUT.inc
    python3 Tests/fuzz/gen_capi_calls.py --self-test   (run by the campaign: new kinds of declarations)
"""
import glob
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def header_text():
    files = [os.path.join(ROOT, "include/swiftkeras.h")] + sorted(glob.glob(os.path.join(ROOT, "include/swiftkeras/*.h")))
    text = ""
    for f in files:
        t = open(f).read()
        t = re.sub(r"/\*.*?\*/", "", t, flags=re.S)
        t = re.sub(r"#[^\n]*", "", t)
        text += t + "\n"
    return text


def split_params(params):
    """Top-level commas only (function-pointer parameters have their own parentheses)."""
    out, depth, cur = [], 0, ""
    for ch in params:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    if cur.strip():
        out.append(cur)
    return [re.sub(r"\s+", " ", p.strip()) for p in out]


def parse(text):
    callbacks = {}
    for m in re.finditer(r"typedef\s+([\w ]+?)\s*\(\s*\*\s*(\w+)\s*\)\s*\(([^;]*?)\)\s*;", text):
        callbacks[m.group(2)] = (m.group(1).strip(), split_params(m.group(3)))
    body = text
    for _, _, (a, b) in reversed(braced_typedefs(text)):
        body = body[:a] + ";" + body[b:]
    body = re.sub(r"typedef[^;]*;", "", body)
    funcs = []
    for m in re.finditer(r"(?:^|[;}\n])\s*((?:const\s+)?[\w]+(?:\s*\*)*)\s*\b(sk_\w+)\s*\(([^;{]*?)\)\s*;", body):
        ret, name, params = m.group(1).strip(), m.group(2), m.group(3)
        ps = [] if params.strip() in ("", "void") else split_params(params)
        funcs.append((ret, name, ps))
    seen, uniq = set(), []
    for f in funcs:
        if f[1] not in seen:
            seen.add(f[1])
            uniq.append(f)
    return callbacks, uniq


def param_type_name(p):
    fp = re.match(r"(.+?)\(\s*\*+\s*(\w+)\s*\)\s*\((.*)\)$", p)   # (*f) or (**f): a (pointer to a) function pointer
    if fp:
        return "fnptr:" + fp.group(1).strip(), fp.group(2)
    m = re.match(r"(.*?)(\w+)$", p)
    return re.sub(r"\s*\*\s*", "*", m.group(1).strip()), m.group(2)


# The opaque handle types (`typedef struct sk_x sk_x;`) and the structs the header defines
# (`typedef struct sk_x { ... } sk_x;`), both read from the header (main() fills them), so that a
# handle type or an argument struct added later is fuzzed without editing this file: fuzz_capi.c
# keeps a pool of live objects per handle kind and says which kinds it has none of.
HANDLES = []
STRUCTS = {}       # name -> the name of its init function (sk_x_init(sk_x *, size_t)) or None
ALIASES = {}       # typedef'd scalar types (typedef int32_t sk_x;) -> their base type
INTEGERS = {"int8_t", "uint8_t", "int16_t", "uint16_t", "int32_t", "uint32_t", "int64_t", "uint64_t", "int",
            "unsigned", "unsigned int", "long", "unsigned long", "long long", "unsigned long long", "short",
            "unsigned short", "char", "signed char", "unsigned char", "bool", "_Bool", "size_t", "ptrdiff_t",
            "intptr_t", "uintptr_t"}
FLOATS = {"float", "double"}
# integer parameter names that count the entries of an array passed beside them: kept within the
# 64 entries of the harness's arrays (a larger count would be the caller's bug, not the library's)
COUNT_NAMES = {"capacity", "n", "ndim", "i", "count", "num", "len", "length", "size", "rank"}


def read_types(text):
    """Fills HANDLES, STRUCTS and ALIASES from the header text (comments removed)."""
    for m in re.finditer(r"typedef\s+struct\s+(\w+)\s+(\w+)\s*;", text):
        if m.group(2) not in HANDLES:
            HANDLES.append(m.group(2))
    for kind, name, _ in braced_typedefs(text):
        if kind == "enum":
            ALIASES[name] = "int32_t"
        else:
            STRUCTS[name] = None
    for m in re.finditer(r"typedef\s+((?:unsigned\s+|signed\s+)?\w+)\s+(\w+)\s*;", text):
        if m.group(1) != "struct":
            ALIASES[m.group(2)] = m.group(1)


def braced_typedefs(text):
    """(kind, name, (start, end)) of every `typedef struct|union|enum [tag] { ... } name;`,
    braces matched (a struct may hold a union or a struct)."""
    out = []
    for m in re.finditer(r"typedef\s+(struct|union|enum)\s*\w*\s*\{", text):
        depth, i = 1, m.end()
        while depth and i < len(text):
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        t = re.match(r"\s*(\w+)\s*;", text[i:])
        if t:
            out.append((m.group(1), t.group(1), (m.start(), i + t.end())))
    return out


# out-parameters that are arrays sized by a count elsewhere in the parameter list
ARRAY_OUTS = {("sk_tape_gradient", "grads"), ("sk_rnn", "new_states"), ("sk_layer_call_masked", "out")}


def is_count(t, name, has_arrays):
    """An integer counting the entries of arrays passed beside it: int32 capacity / n / ndim / i /
    n_*, int64 n (sk_pad_sequences), and any integer named like a count in a function that takes
    arrays (a count elsewhere, as take(count), keeps the hostile values)."""
    if t == "int32_t" and (name in ("capacity", "n", "ndim", "i") or name.startswith("n_")):
        return True
    if t == "int64_t" and name == "n":
        return True
    return has_arrays and t in INTEGERS and t not in ("bool", "_Bool", "char", "size_t") and \
        (name in COUNT_NAMES or name.startswith("n_"))


def has_array_params(params):
    """Whether a function takes arrays whose length the harness must respect (plain-typed
    pointers and arrays of pointers, out-parameters included; not single handles or strings)."""
    for p in params:
        ty, _ = param_type_name(p)
        if ty.startswith("fnptr:"):
            continue
        t = ty[6:] if ty.startswith("const ") else ty
        m = re.match(r"(\w+(?: \w+)*?)(\*(?:const)?\*?)$", t)
        if not m:
            continue
        base, stars = m.group(1), m.group(2)
        if stars == "**" and base in HANDLES and not ty.startswith("const "):
            continue    # an out-parameter for one handle
        if stars != "*" or (base not in HANDLES and base not in STRUCTS and base != "char"):
            return True
    return False


def arg_expr(fn, ty, name, callbacks, has_data, length_follows=False, has_arrays=False, has_texts=False):
    """A C expression drawing a hostile argument of type `ty` (compact: "const sk_tensor*const*")
    named `name` (has_texts: the function takes texts with byte lengths, whose shape must not
    describe more texts than the harness passes). Types this file does not know by name get a generic hostile value by their
    kind (integer, floating, struct, pointer), so a new header function never breaks the build.
    length_follows: an integer length parameter comes right after this one."""
    if ty.startswith("fnptr:"):
        return f"(pick(4) ? stub_{fn}_{name} : NULL)"
    const = ty.startswith("const ")
    t = ty[6:] if const else ty
    if t in callbacks:
        return f"(pick(5) ? stub_{t} : NULL)"
    m = re.match(r"(\w+(?: \w+)*?)(\*(?:const)?\*?)$", t)
    base, stars = (m.group(1), m.group(2)) if m else (t, "")
    while base in ALIASES and base not in callbacks:
        base = ALIASES[base]
    if base in callbacks:   # a pointer to a callback type
        return "out_bytes()" if not const else "h_data()"
    t = base + stars
    if stars in ("*const*", "**") and base in HANDLES:
        return f"arr_handles(HK_{base})" if (const or stars == "*const*") else "out_slots()"
    if stars == "*const*" and base == "char":
        # with byte lengths beside them (sk_tensor_from_strings): buffers of 4096 bytes each, so
        # any length drawn stays inside them; else NUL-terminated names
        return "arr_texts()" if length_follows else "arr_strings()"
    if stars == "**" and base == "char":
        return "out_strings()"
    if stars in ("*const*", "**") and const:
        return "arr_zero_ptrs()"        # arrays of arrays the harness cannot size: zeros
    if stars == "**":
        return "out_ptrs()"             # pointers the library writes
    if stars == "*":
        if base in HANDLES:
            return f"pick_handle(HK_{base})"
        if base == "char":
            if not const:
                return "out_chars()"
            if length_follows:
                return "h_text()"       # bytes with an explicit length (NULs, invalid UTF-8)
            known = {"path": "h_path()", "filepath": "h_path()", "filename": "h_path()", "config_json": "h_config()",
                     "config": "h_config()"}
            if name in known:
                return known[name]
            return "h_json()" if name.endswith("json") else "h_string()"
        if base == "int64_t":
            if const and has_texts:
                return "h_shape_texts()"    # describes the texts passed: at most 4096 elements
            return ("h_shape(1)" if has_data else "h_shape(0)") if const else "out_i64()"
        if base in ("int32_t", "size_t", "double", "uint8_t", "float"):
            return f"{'in' if const else 'out'}_{base.replace('_t', '')}()"
        if base == "void":
            return "h_data()" if const or name == "data" else "out_bytes()"
        if base == "sk_fit_args":
            return "h_fit_args()"
        if base == "sk_callback_hooks":
            return "h_hooks()"
        if base in STRUCTS:
            return f"h_struct_{base}()"
        return "h_data()" if const else "out_bytes()"
    if base == "int32_t" and name == "epochs":
        return "h_epochs()"
    if is_count(base, name, has_arrays):
        return "h_count()"
    if base == "int32_t":
        return "h_dtype()" if name == "dtype" else "h_i32()"
    simple = {"int64_t": "h_i64()", "uint64_t": "h_u64()", "uint8_t": "h_u8()", "double": "h_double()",
              "float": "h_double()", "sk_scalar_value": "h_scalar()"}
    if base in simple:
        return simple[base]
    if base == "size_t":
        return "h_struct_size()" if name == "struct_size" else "h_size()"
    if base in STRUCTS:
        return f"(*h_struct_{base}_value())"
    if base in INTEGERS:
        return "h_i64()"
    if base in FLOATS:
        return "h_double()"
    raise SystemExit(f"gen_capi_calls.py: no hostile generator for parameter '{ty} {name}' of {fn}")


def cast_to(ty):
    if ty.startswith("fnptr:"):
        return ""
    return "(" + ty.replace("*", " *").replace("* *", "**").replace("  ", " ") + ")"


def main():
    out = sys.argv[1]
    text = header_text()
    read_types(text)
    callbacks, funcs = parse(text)
    lines = ["/* Generated by Tests/fuzz/gen_capi_calls.py from the header: do not edit. */", "",
             "/* handle kinds: the pools of live objects fuzz_capi.c keeps, one per handle type */",
             "#ifndef CAPI_KINDS", "#define CAPI_KINDS",
             "enum { " + ", ".join(f"HK_{h}" for h in HANDLES) + ", HK_COUNT };", "#endif",
             "#ifndef CAPI_KINDS_ONLY", ""]
    for cb, (ret, params) in sorted(callbacks.items()):
        ps = []
        for i, p in enumerate(params):
            ty, _ = param_type_name(p)
            if ty.startswith("fnptr:"):
                ps.append(p)
            else:
                ps.append(f"{ty} a{i}")
        args = ", ".join(ps) if ps else "void"
        uses = " ".join(f"(void){param_type_name(p)[1]};" if param_type_name(p)[0].startswith("fnptr:") else f"(void)a{i};"
                        for i, p in enumerate(params))
        if ret == "void":
            lines.append(f"static void stub_{cb}({args}) {{ {uses} stub_calls++; }}")
        else:
            lines.append(f"static {ret} stub_{cb}({args}) {{ {uses} stub_calls++; return ({ret})stub_status(); }}")
    lines.append("")
    # every struct of the header: NULL (1 in 8) or a zeroed instance set up by its init
    # function when it has one (sk_x_init(sk_x *, size_t)); by value: a zeroed instance
    fnames = {f[1] for f in funcs}
    for st in sorted(STRUCTS):
        init = f"{st}_init(&v, sizeof v); " if f"{st}_init" in fnames else ""
        lines.append(f"static {st} *h_struct_{st}(void) {{ static {st} v; if (pick(8) == 0) return NULL; "
                     f"memset(&v, 0, sizeof v); {init}return &v; }}")
        lines.append(f"static {st} *h_struct_{st}_value(void) {{ static {st} v; memset(&v, 0, sizeof v); return &v; }}")
    lines.append("static const char *const handle_kind_names[HK_COUNT] = {" + ", ".join(f'"{h}"' for h in HANDLES) + "};")
    lines.append("")
    names = []
    for ret, name, params in funcs:
        has_data = any(param_type_name(p)[0] == "const void*" for p in params)
        has_arrays = has_array_params(params)
        has_texts = any(param_type_name(p) == ("const size_t*", "lengths") for p in params)
        args = []
        for k, p in enumerate(params):
            ty, pname = param_type_name(p)
            nxt = param_type_name(params[k + 1]) if k + 1 < len(params) else ("", "")
            length_follows = ALIASES.get(nxt[0], nxt[0]) in INTEGERS and \
                (nxt[1] in ("len", "length", "n", "size", "nbytes", "byte_length") or nxt[1].startswith("n_")) \
                or (nxt[0] == "const size_t*" and nxt[1] == "lengths")
            expr = arg_expr(name, ty, pname, callbacks, has_data, length_follows, has_arrays, has_texts)
            if ty.startswith("fnptr:"):
                args.append(expr)
            else:
                args.append(f"{cast_to(ty)}{expr}")
        # out-parameters of handle type: the slots are filled with a sentinel before the call;
        # after it, a failing status must have left them NULL (checked by out_done) and the
        # handles written are released with their type's release function
        outs = []
        for i, p in enumerate(params):
            ty, pname = param_type_name(p)
            m = re.match(r"(\w+)\*\*$", ty)
            if m and m.group(1) in HANDLES and f"{m.group(1)}_release" in {f[1] for f in funcs}:
                outs.append((i, m.group(1)))
        for i, base in outs:
            args[i] = f"(({base} **)out_begin({i}))"
        call = f"{name}({', '.join(args)})"
        if name.endswith("_release"):
            # releasing a pool object would leave the pool dangling (a caller bug, not a library
            # one): release NULL
            call = f"{name}(NULL)"
        status = "st = " if ret == "int32_t" else "(void)"
        body = f"int32_t st = 0; {status}{call}; (void)st;"
        for i, base in outs:
            # an array of outputs (a count parameter follows or precedes it) cannot be cleared when
            # the count itself is invalid: only single out-parameters are held to the contract
            near = [param_type_name(params[j]) for j in (i - 1, i + 1) if 0 <= j < len(params)]
            is_array = any(t == "int32_t" and (n in ("capacity", "n") or n.startswith("n_")) for t, n in near) \
                or (name, param_type_name(params[i])[1]) in ARRAY_OUTS \
                or any(param_type_name(q)[1] == "capacity" for q in params)   # out and out_masks [capacity]
            body += f" out_done({i}, {'0' if is_array else 'st'}, (void (*)(void *)){base}_release, \"{name}\");"
        for p in params:
            fp = re.match(r"(.+?)\(\s*\*+\s*(\w+)\s*\)\s*\((.*)\)$", p)   # (*f) or (**f): a (pointer to a) function pointer
            if fp:
                fps = split_params(fp.group(3))
                decl = ", ".join(f"{q} a{i}" if not re.search(r"\w+$", q) or q.endswith("*") else re.sub(r"\w+$", f"a{i}", q)
                                 for i, q in enumerate(fps))
                uses = " ".join(f"(void)a{i};" for i in range(len(fps)))
                lines.append(f"static {fp.group(1).strip()} stub_{name}_{fp.group(2)}({decl}) {{ {uses} }}")
        lines.append(f"static void call_{name}(void) {{ {body} }}")
        names.append(name)
    lines.append("")
    lines.append("static const struct { const char *name; void (*call)(void); } capi_calls[] = {")
    for n in names:
        lines.append(f"    {{\"{n}\", call_{n}}},")
    lines.append("};")
    lines.append(f"#define N_CAPI_CALLS {len(names)}")
    lines.append("#endif")
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"gen_capi_calls.py: {len(names)} functions, {len(callbacks)} callback types -> {out}")


SELF_TEST_HEADER = """
typedef struct sk_tensor sk_tensor;
typedef struct sk_tokenizer sk_tokenizer;
typedef int32_t sk_mode;
typedef enum { SK_A, SK_B } sk_kind;
typedef struct sk_attn_args { size_t struct_size; union { int64_t i; double f; } u; struct { int a; } inner; } sk_attn_args;
typedef int32_t (*sk_token_fn)(void *user_data, const sk_tokenizer *t, const char *token, size_t length);
int32_t sk_attn_args_init(sk_attn_args *args, size_t struct_size);
int32_t sk_tokenizer_create(const char *config_json, sk_token_fn fn, void *user_data, void (*destroy)(void *user_data), sk_tokenizer **out);
void sk_tokenizer_release(sk_tokenizer *t);
int32_t sk_strings_split(const char *text, size_t length, const char *sep, float scale, uint32_t flags, sk_mode mode,
                         sk_kind kind, int16_t small, bool keep, sk_tensor **out);
int32_t sk_lookup(const sk_tokenizer *tok, const char *const *words, int32_t count, int64_t *ids, const int64_t *const *ragged,
                  double **owned, const sk_attn_args *args, sk_attn_args value, void **any, const float *w, sk_tensor **out);
int32_t sk_take_some(const sk_tokenizer *tok, int64_t count, sk_tokenizer **out);
int32_t sk_from_texts(const char *const *data, const size_t *lengths, const int64_t *shape, int32_t ndim, sk_tensor **out);
"""


def self_test():
    """The generator on a header with kinds of declarations the real one may grow (a new handle
    type, an argument struct with an init function and a nested union, typedef'd scalars and
    enums, a callback type, float / uint32 / int16 / bool scalars, text with a length, arrays of
    arrays, pointers the library writes): every parameter gets a generator, none stops it."""
    read_types(SELF_TEST_HEADER)
    callbacks, funcs = parse(SELF_TEST_HEADER)
    assert HANDLES == ["sk_tensor", "sk_tokenizer"], HANDLES
    assert set(STRUCTS) == {"sk_attn_args"}, STRUCTS
    assert ALIASES == {"sk_mode": "int32_t", "sk_kind": "int32_t"}, ALIASES
    assert [f[1] for f in funcs] == ["sk_attn_args_init", "sk_tokenizer_create", "sk_tokenizer_release", "sk_strings_split",
                                     "sk_lookup", "sk_take_some", "sk_from_texts"], funcs
    got = {}
    for _, name, params in funcs:
        arrays = has_array_params(params)
        texts = any(param_type_name(p) == ("const size_t*", "lengths") for p in params)
        for k, p in enumerate(params):
            ty, pname = param_type_name(p)
            nxt = param_type_name(params[k + 1]) if k + 1 < len(params) else ("", "")
            follows = ALIASES.get(nxt[0], nxt[0]) in INTEGERS and (nxt[1] in ("length", "n") or nxt[1].startswith("n_")) \
                or (nxt[0] == "const size_t*" and nxt[1] == "lengths")
            got[(name, pname)] = arg_expr(name, ty, pname, callbacks, False, follows, arrays, texts)
    expected = {("sk_strings_split", "text"): "h_text()", ("sk_strings_split", "scale"): "h_double()",
                ("sk_strings_split", "mode"): "h_i32()", ("sk_strings_split", "keep"): "h_i64()",
                ("sk_lookup", "tok"): "pick_handle(HK_sk_tokenizer)", ("sk_lookup", "count"): "h_count()",
                ("sk_lookup", "ragged"): "arr_zero_ptrs()", ("sk_lookup", "owned"): "out_ptrs()",
                ("sk_lookup", "args"): "h_struct_sk_attn_args()", ("sk_lookup", "value"): "(*h_struct_sk_attn_args_value())",
                ("sk_lookup", "w"): "in_float()", ("sk_take_some", "count"): "h_i64()",
                ("sk_tokenizer_create", "fn"): "(pick(5) ? stub_sk_token_fn : NULL)",
                ("sk_tokenizer_create", "config_json"): "h_config()", ("sk_from_texts", "data"): "arr_texts()",
                ("sk_from_texts", "shape"): "h_shape_texts()", ("sk_from_texts", "lengths"): "in_size()",
                ("sk_lookup", "words"): "arr_strings()"}
    for key, want in expected.items():
        assert got[key] == want, (key, got[key], want)
    print(f"gen_capi_calls.py self-test: {len(got)} parameters of {len(funcs)} new-style declarations generated")


if __name__ == "__main__":
    if sys.argv[1:] == ["--self-test"]:
        self_test()
    else:
        main()
