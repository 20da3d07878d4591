//! The planning model of `shared/planning-model.md`: scenario types, validation, model building,
//! the exact solve with HiGHS, and the result. It knows nothing of HTTP or SQL.
//!
//! Empty until the planning work (issue 6) fills it; the crate exists now so that the workspace
//! layout, and the HiGHS build it needs, are in place from the start.
