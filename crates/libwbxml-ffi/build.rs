//! Links the system libwbxml2 (Debian: `libwbxml2-dev`).
fn main() {
    println!("cargo:rustc-link-lib=dylib=wbxml2");
    println!("cargo:rerun-if-changed=build.rs");
}
