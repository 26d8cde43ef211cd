//! Links the server with its relative relocations packed (DT_RELR) where the C library can
//! read them. The binary is position-independent, so the loader fixes up about 150,000
//! pointers at each start; listed one by one (`.rela.dyn`) they take 3.6 MB, which the start
//! reads and keeps mapped, a tenth of the idle server's memory. Packed, the list takes 43 KB.
//! The same pointers are fixed up either way: this only shrinks the list.
//!
//! With `PORTAL_SYMBOL_ORDER` (a symbol ordering file, made by the release build from its
//! profiles: bench/layout.mjs), the linker lays the functions out in that order.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=PORTAL_SYMBOL_ORDER");
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let order = var("PORTAL_SYMBOL_ORDER");
    if !order.is_empty() {
        println!("cargo:rerun-if-changed={order}");
        println!("cargo:rustc-link-arg-bins=-Wl,--symbol-ordering-file={order}");
        // Functions the profiles saw that the optimizer has since inlined everywhere.
        println!("cargo:rustc-link-arg-bins=-Wl,--no-warn-symbol-ordering");
    }
    // Only for the machine the build runs on: its C library is the one the binary will use.
    let native = var("TARGET") == var("HOST");
    if native
        && var("CARGO_CFG_TARGET_OS") == "linux"
        && var("CARGO_CFG_TARGET_ENV") == "gnu"
        && glibc_reads_relr()
    {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}

/// glibc reads packed relocations from 2.36 on; an older one would refuse to start the binary.
fn glibc_reads_relr() -> bool {
    let Ok(output) = std::process::Command::new("getconf")
        .arg("GNU_LIBC_VERSION")
        .output()
    else {
        return false;
    };
    // "glibc 2.36"
    let text = String::from_utf8_lossy(&output.stdout);
    let mut numbers = text
        .trim()
        .trim_start_matches("glibc ")
        .split('.')
        .map(|part| part.parse::<u32>().unwrap_or(0));
    let major = numbers.next().unwrap_or(0);
    let minor = numbers.next().unwrap_or(0);
    (major, minor) >= (2, 36)
}
