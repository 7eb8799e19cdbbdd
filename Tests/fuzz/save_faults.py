"""Save-fault tests: what a save leaves behind when it is killed, runs out of space or meets
something other than a regular file at its path.

  - kill -9 during saves (`--kills` times at random moments): the target is always either
    absent (before the first complete save) or a complete file that loads, and at most one
    temporary file (".<name>.swiftkeras-tmp") exists next to it; the next save removes it;
  - a full disk (a 1 MB tmpfs, where mount works; otherwise skipped with the reason): the save
    raises OSError naming the path and "No space left", the previous file is intact, no
    temporary file is left;
  - a read-only directory and a file without write permission (not as root: root bypasses
    permissions; skipped with the reason): OSError, nothing changed;
  - a symbolic link (its target is written, the link stays), a FIFO and a device node (refused,
    left as they are), a 0600 file (stays 0600), a directory (refused).

    python3 Tests/fuzz/save_faults.py [--kills N]

prints "save faults: N checks, F failed, S skipped" and exits 1 on a failure.
"""
import os
import random
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time

checks = failed = 0
skipped = []


def check(ok, what):
    global checks, failed
    checks += 1
    if not ok:
        failed += 1
        print(f"FAIL {what}")


def model(units=64):
    from swiftkeras import keras
    m = keras.Sequential([keras.layers.Dense(units, input_shape=(units,)), keras.layers.Dense(units)])
    m.compile(optimizer="sgd", loss="mse")
    return m


def loads(path):
    from swiftkeras import keras
    try:
        keras.models.load_model(path)
        return True
    except Exception as e:
        print(f"  load failed: {e}")
        return False


def temporaries(d):
    return [n for n in os.listdir(d) if "tmp" in n]


SAVER = """
import sys
from swiftkeras import keras
m = keras.Sequential([keras.layers.Dense(1024, input_shape=(1024,)), keras.layers.Dense(1024)])
print("ready", flush=True)
while True:
    m.save(sys.argv[1])
"""


def test_kills(kills):
    d = tempfile.mkdtemp(prefix="sk_kill_")
    path = os.path.join(d, "model.safetensors")
    rnd = random.Random(1)
    most = 0
    for i in range(kills):
        p = subprocess.Popen([sys.executable, "-c", SAVER, path], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        p.stdout.readline()
        time.sleep(rnd.uniform(0.0, 0.3))
        p.send_signal(signal.SIGKILL)
        p.wait()
        tmp = temporaries(d)
        most = max(most, len(tmp))
        if os.path.exists(path):
            check(loads(path) if i % 5 == 0 else os.path.getsize(path) > 8 * 1024 * 1024,
                  f"kill {i}: the target is a complete file")
    check(most <= 1, f"at most one temporary file after {kills} kills (saw {most})")
    model(1024).save(path)
    check(temporaries(d) == [], "the next save leaves no temporary file")
    check(loads(path), "the final file loads")
    shutil.rmtree(d)


def test_full_disk():
    d = tempfile.mkdtemp(prefix="sk_full_")
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", d], capture_output=True, text=True)
    if r.returncode != 0:
        skipped.append(f"full disk: cannot mount a tmpfs here ({(r.stderr or r.stdout).strip()[:100]})")
        os.rmdir(d)
        return
    try:
        path = os.path.join(d, "m.safetensors")
        model(8).save(path)
        before = open(path, "rb").read()
        try:
            model(512).save(path)   # 2 MB of weights on a 1 MB disk
            check(False, "a save larger than the disk fails")
        except OSError as e:
            check(path in str(e) and "No space left" in str(e), f"full disk: OSError naming the path and the cause ({e})")
        check(open(path, "rb").read() == before, "full disk: the previous file is intact")
        check(temporaries(d) == [], "full disk: no temporary file left")
    finally:
        subprocess.run(["umount", d])
        os.rmdir(d)


def test_permissions():
    if os.geteuid() == 0:
        skipped.append("read-only directory and read-only file: running as root, which bypasses permissions")
        return
    d = tempfile.mkdtemp(prefix="sk_perm_")
    ro = os.path.join(d, "ro")
    os.mkdir(ro, 0o500)
    try:
        model(4).save(os.path.join(ro, "m.safetensors"))
        check(False, "save into a read-only directory fails")
    except OSError as e:
        check("m.safetensors" in str(e), f"read-only directory: OSError naming the path ({e})")
    f = os.path.join(d, "locked.safetensors")
    open(f, "w").close()
    os.chmod(f, 0o400)
    try:
        model(4).save(f)
        check(False, "save over a file without write permission fails")
    except OSError:
        check(os.path.getsize(f) == 0, "the read-only file is unchanged")
    os.chmod(ro, 0o700)
    shutil.rmtree(d)


def test_special_files():
    d = tempfile.mkdtemp(prefix="sk_special_")
    m = model(4)
    target = os.path.join(d, "real.safetensors")
    link = os.path.join(d, "link.safetensors")
    open(target, "w").write("old")
    os.symlink("real.safetensors", link)
    m.save(link)
    check(os.path.islink(link), "symlink: the link stays a link")
    check(os.path.getsize(target) > 100 and loads(link), "symlink: its target holds the model")
    fifo = os.path.join(d, "fifo")
    os.mkfifo(fifo)
    for what, p in (("FIFO", fifo), ("directory", d)):
        try:
            m.save(p)
            check(False, f"save to a {what} fails")
        except OSError:
            check(True, f"save to a {what}: OSError")
    check(stat.S_ISFIFO(os.lstat(fifo).st_mode), "the FIFO is still a FIFO")
    try:
        from swiftkeras import keras
        keras.models.load_model(fifo)
        check(False, "loading a FIFO fails")
    except OSError:
        check(True, "loading a FIFO fails at once")
    dev = os.path.join(d, "null")
    try:
        os.mknod(dev, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except OSError as e:
        skipped.append(f"device node: cannot create one here ({e})")
    else:
        try:
            m.save(dev)
            check(False, "save to a device node fails")
        except OSError:
            check(stat.S_ISCHR(os.lstat(dev).st_mode), "save to a device node: refused, still a device")
    priv = os.path.join(d, "private.safetensors")
    open(priv, "w").close()
    os.chmod(priv, 0o600)
    m.save(priv)
    check(stat.S_IMODE(os.stat(priv).st_mode) == 0o600, "a 0600 file stays 0600")
    new = os.path.join(d, "new.safetensors")
    old_mask = os.umask(0o027)
    m.save(new)
    os.umask(old_mask)
    check(stat.S_IMODE(os.stat(new).st_mode) == 0o640, "a new file gets 0666 minus the umask")
    check(temporaries(d) == [], "no temporary file left")
    shutil.rmtree(d)


def main(argv):
    kills = 20
    if len(argv) == 2 and argv[0] == "--kills":
        kills = int(argv[1])
    test_special_files()
    test_permissions()
    test_full_disk()
    test_kills(kills)
    for s in skipped:
        print(f"SKIP {s}")
    print(f"save faults: {checks} checks, {failed} failed, {len(skipped)} skipped, {kills} kills during saves")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
