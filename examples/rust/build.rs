// Finds the installed libswiftkeras through pkg-config (the command, not a crate) and records
// its directory as the run-time search path, so `cargo run` works with a library installed under
// any PREFIX (PKG_CONFIG_PATH=$PREFIX/lib/pkgconfig).
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=PKG_CONFIG_PATH");
    let out = Command::new("pkg-config")
        .args(["--variable=libdir", "swiftkeras"])
        .output()
        .expect("pkg-config not found (Debian: apt-get install pkg-config)");
    if !out.status.success() {
        panic!("pkg-config cannot find swiftkeras: install it (make install PREFIX=...) and set PKG_CONFIG_PATH");
    }
    let libdir = String::from_utf8(out.stdout).unwrap().trim().to_string();
    println!("cargo:rustc-link-search=native={libdir}");
    println!("cargo:rustc-link-lib=dylib=swiftkeras");
    println!("cargo:rustc-link-arg=-Wl,-rpath,{libdir}");
}
