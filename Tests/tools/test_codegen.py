"""tools/codegen.py, the helpers both generators (capi_ops.py, capi_keras.py) write and check
their outputs with. Run by `make test-generated`."""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))

import capi_keras  # noqa: E402
import codegen  # noqa: E402


def test_write_outputs_rewrites_only_what_differs_and_stale_outputs_names_it(tmp_path):
    (tmp_path / "same.txt").write_text("kept\n")
    (tmp_path / "old.txt").write_text("old\n")
    outputs = {"same.txt": "kept\n", "old.txt": "new\n", "missing.txt": "made\n"}
    assert codegen.stale_outputs(str(tmp_path), outputs) == ["old.txt", "missing.txt"]
    assert codegen.write_outputs(str(tmp_path), outputs) == ["old.txt", "missing.txt"]
    assert (tmp_path / "old.txt").read_text() == "new\n"
    assert (tmp_path / "missing.txt").read_text() == "made\n"
    assert codegen.stale_outputs(str(tmp_path), outputs) == []
    assert codegen.write_outputs(str(tmp_path), outputs) == []


def test_replace_region_keeps_the_markers_and_the_text_around_them():
    text = "head\n/* BEGIN */\nold 1\nold 2\n/* END */\ntail\n"
    assert codegen.replace_region(text, "/* BEGIN */", "/* END */", ["new"]) == \
        "head\n/* BEGIN */\nnew\n/* END */\ntail\n"


def test_wrap_breaks_a_long_declaration_at_commas():
    short = "int32_t sk_f(int a, sk_tensor **out);"
    assert codegen.wrap(short) == [short]
    long = "int32_t sk_g(" + ", ".join(f"int64_t argument_{i}" for i in range(8)) + ", sk_tensor **out);"
    lines = codegen.wrap(long)
    assert len(lines) > 1 and all(len(x) <= 100 for x in lines)
    assert all(x.endswith(",") for x in lines[:-1]) and all(x.startswith("    ") for x in lines[1:])
    assert " ".join(x.strip() for x in lines) == long


def test_the_handle_shims_are_up_to_date():
    assert codegen.stale_outputs(capi_keras.ROOT, {capi_keras.OUT: capi_keras.generate()}) == []
