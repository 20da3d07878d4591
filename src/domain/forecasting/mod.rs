//! Forecasts of monthly volumes (the `gpec-forecast` crate) applied to what people have: a
//! history file, or an organisation's stored history.

pub mod file;
pub mod history;
pub mod sets;
