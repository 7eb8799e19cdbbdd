"""The op table's checks (tools/capi_ops.py --check, tools/recorded_ops.py): an op declared in one
place only, or a stale generated file, is caught. Run by `make test-generated`."""
import os
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))

import capi_ops  # noqa: E402
import recorded_ops  # noqa: E402
from ops_table import OPS as TABLE  # noqa: E402

SOURCES = {
    "A.swift": '''
enum PlusOp {
    case plus, minus
    var name: StaticString {
        switch self {
        case .plus: return "plus"
        case .minus: return "minus"
        }
    }
}
func literal(_ x: Tensor) { record("lit", [x], x, { g in [g] }) }
func local(_ x: Tensor) {
    let op: StaticString = flag ? "local_a" : "local_b"
    record(op, [x], x, { g in [g] })
}
func viaEnum(_ op: PlusOp, _ x: Tensor) { record(op.name, [x], x, { g in [g] }) }
private func shared(_ op: StaticString, _ x: Tensor) {
    func nested() {}
    record(op, [x], x, { g in [g] })
}
func labelled(_ x: Tensor, op: StaticString) { shared(op, x) }
func callers(_ x: Tensor) {
    shared("first_caller", x)
    try x.shared("method_caller", x)
    labelled(x, op: "labelled_caller")
}
''',
}


def test_recorded_ops_follows_the_op_name_to_its_literal():
    found = recorded_ops.recorded_ops(SOURCES)
    assert sorted(found) == ["first_caller", "labelled_caller", "lit", "local_a", "local_b", "method_caller",
                             "minus", "plus"]
    assert found["lit"] == {"A.swift:11"}


def test_recorded_ops_refuses_a_name_it_cannot_follow():
    with pytest.raises(SystemExit, match="cannot follow"):
        recorded_ops.recorded_ops({"B.swift": "func f(_ x: Tensor) { record(makeName(), [x], x, { g in [g] }) }"})


def test_the_tree_passes_the_check():
    r = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "capi_ops.py"), "--check"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "generated files are up to date" in r.stdout


def test_the_table_is_the_registry_and_the_recorded_names():
    recorded = set(recorded_ops.recorded_ops())
    assert {o.tape for o in TABLE if o.tape} == recorded
    assert not capi_ops.table_errors()
    assert len(capi_ops.OPS) == len([o for o in TABLE if o.c])


def test_an_op_in_one_place_only_fails_the_check(monkeypatch, capsys):
    real = recorded_ops.recorded_ops()
    monkeypatch.setattr(recorded_ops, "recorded_ops", lambda: {**real, "brand_new_op": {"X.swift:1"}})
    assert not capi_ops.check()
    assert "'brand_new_op' is recorded on the tape (X.swift:1) but has no row" in capsys.readouterr().err
    less = dict(real)
    del less["softmax"]
    monkeypatch.setattr(recorded_ops, "recorded_ops", lambda: less)
    assert not capi_ops.check()
    assert "'softmax' has a tape name in tools/ops_table.py but the Swift core never records it" in capsys.readouterr().err


def test_a_stale_generated_file_fails_the_check(tmp_path, monkeypatch, capsys):
    for rel in capi_ops.outputs():
        os.makedirs(tmp_path / os.path.dirname(rel), exist_ok=True)
        shutil.copy(os.path.join(ROOT, rel), tmp_path / rel)
    monkeypatch.setattr(capi_ops, "ROOT", str(tmp_path))
    assert capi_ops.check()
    with open(tmp_path / capi_ops.OUT_SHIMS, "a") as f:
        f.write("// hand edit\n")
    assert not capi_ops.check()
    assert f"{capi_ops.OUT_SHIMS} is out of date" in capsys.readouterr().err
    assert capi_ops.main([]) == 0                  # regenerating repairs it ...
    assert capi_ops.check()
    before = {rel: open(tmp_path / rel).read() for rel in capi_ops.outputs()}
    assert capi_ops.main([]) == 0                  # ... and running again changes nothing
    assert before == {rel: open(tmp_path / rel).read() for rel in capi_ops.outputs()}


def test_table_errors_catch_a_name_declared_twice(monkeypatch):
    from ops_table import Op, D
    monkeypatch.setattr(capi_ops, "TABLE", TABLE + [Op(None, [], "softmax", D, "neural_net", None, "again")])
    assert any("declared twice" in e for e in capi_ops.table_errors())
