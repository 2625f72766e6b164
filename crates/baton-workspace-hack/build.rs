//! Empty: a build script is what makes Cargo resolve this crate's build-dependencies, whose
//! features are the point (see Cargo.toml).
fn main() {}
