#!/usr/bin/env python3
"""Generates the call table of the C fuzz harness (Tests/fuzz/fuzz_capi.c) from the header.

Every function declared in include/swiftkeras.h and its parts gets one caller that draws each
argument from the harness's hostile pools by the parameter's type and name (handles from the
pool of live objects or NULL, counts within the arrays passed, dims / axes / dtype codes /
doubles / strings from the hostile value sets), and every callback type gets a stub. Run by
`make fuzz` / `make test-fuzz-quick`; the output goes to Tests/fuzz/build/capi_calls.inc, so
the table always matches the header.

    python3 Tests/fuzz/gen_capi_calls.py OUT.inc
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
    body = re.sub(r"typedef[^;]*;", "", text)
    body = re.sub(r"typedef\s+struct\s+\w+\s*\{.*?\}\s*\w+\s*;", "", body, flags=re.S)
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
    fp = re.match(r"(.+?)\(\s*\*\s*(\w+)\s*\)\s*\((.*)\)$", p)
    if fp:
        return "fnptr:" + fp.group(1).strip(), fp.group(2)
    m = re.match(r"(.*?)(\w+)$", p)
    return re.sub(r"\s*\*\s*", "*", m.group(1).strip()), m.group(2)


HANDLES = ["sk_tensor", "sk_variable", "sk_tape", "sk_function", "sk_layer", "sk_model", "sk_optimizer",
           "sk_loss", "sk_history", "sk_keras_tensor", "sk_metric", "sk_keras_callback", "sk_callback_context",
           "sk_dataset", "sk_dataset_element", "sk_dataset_iterator"]


# out-parameters that are arrays sized by a count elsewhere in the parameter list
ARRAY_OUTS = {("sk_tape_gradient", "grads"), ("sk_rnn", "new_states"), ("sk_layer_call_masked", "out")}


def arg_expr(fn, ty, name, callbacks, has_data):
    """A C expression drawing a hostile argument of type `ty` (compact: "const sk_tensor*const*")
    named `name`."""
    if ty.startswith("fnptr:"):
        return f"(pick(4) ? stub_{fn}_{name} : NULL)"
    const = ty.startswith("const ")
    t = ty[6:] if const else ty
    if t in callbacks:
        return f"(pick(5) ? stub_{t} : NULL)"
    m = re.match(r"(\w+)(\*(?:const)?\*?)$", t)
    base, stars = (m.group(1), m.group(2)) if m else (t, "")
    if stars in ("*const*", "**") and base in HANDLES:
        return f"arr_handles(HK_{base})" if (const or stars == "*const*") else "out_slots()"
    if stars == "*const*" and base == "char":
        return "arr_strings()"
    if stars == "**" and base == "char":
        return "out_strings()"
    if stars == "*":
        if base in HANDLES:
            return f"pick_handle(HK_{base})"
        if base == "char":
            if not const:
                return "out_chars()"
            return {"path": "h_path()", "config_json": "h_config()", "config": "h_config()"}.get(name, "h_string()")
        if base == "int64_t":
            return ("h_shape(1)" if has_data else "h_shape(0)") if const else "out_i64()"
        if base in ("int32_t", "size_t", "double", "uint8_t"):
            return f"{'in' if const else 'out'}_{base.replace('_t', '')}()"
        if base == "void":
            return "h_data()" if const or name == "data" else "out_bytes()"
        if base == "sk_fit_args":
            return "h_fit_args()"
        if base == "sk_callback_hooks":
            return "h_hooks()"
    if t == "int32_t" and name == "epochs":
        return "h_epochs()"
    if t == "int32_t":
        if name in ("capacity", "n", "ndim", "i") or name.startswith("n_"):
            return "h_count()"
        return "h_dtype()" if name == "dtype" else "h_i32()"
    if t == "int64_t" and name == "n":
        return "h_count()"   # the count of the arrays passed beside it (sk_pad_sequences)
    simple = {"int64_t": "h_i64()", "uint64_t": "h_u64()", "uint8_t": "h_u8()", "double": "h_double()",
              "sk_scalar_value": "h_scalar()"}
    if t in simple:
        return simple[t]
    if t == "size_t":
        return "h_struct_size()" if name == "struct_size" else "h_size()"
    raise SystemExit(f"gen_capi_calls.py: no hostile generator for parameter '{ty} {name}' of {fn}")


def cast_to(ty):
    if ty.startswith("fnptr:"):
        return ""
    return "(" + ty.replace("*", " *").replace("* *", "**").replace("  ", " ") + ")"


def main():
    out = sys.argv[1]
    callbacks, funcs = parse(header_text())
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
        uses = " ".join(f"(void)a{i};" for i, p in enumerate(params) if not param_type_name(p)[0].startswith("fnptr:"))
        if ret == "void":
            lines.append(f"static void stub_{cb}({args}) {{ {uses} stub_calls++; }}")
        else:
            lines.append(f"static {ret} stub_{cb}({args}) {{ {uses} stub_calls++; return ({ret})stub_status(); }}")
    lines.append("")
    names = []
    for ret, name, params in funcs:
        has_data = any(param_type_name(p)[0] == "const void*" for p in params)
        args = []
        for p in params:
            ty, pname = param_type_name(p)
            expr = arg_expr(name, ty, pname, callbacks, has_data)
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
                or (name, param_type_name(params[i])[1]) in ARRAY_OUTS
            body += f" out_done({i}, {'0' if is_array else 'st'}, (void (*)(void *)){base}_release, \"{name}\");"
        for p in params:
            fp = re.match(r"(.+?)\(\s*\*\s*(\w+)\s*\)\s*\((.*)\)$", p)
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


if __name__ == "__main__":
    main()
