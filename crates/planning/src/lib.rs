//! The planning model of `shared/planning-model.md` (versions 1 and 2): scenario types, validation,
//! the exact solve with HiGHS (through good_lp), the plan, and a solver-free checker. It knows
//! nothing of HTTP or SQL.

// The model indexes several matrices by the same activity and period indices, as the formulation
// does (x[g,a,t], B[a,t]): index loops read closer to it than zipped iterators.
#![allow(clippy::needless_range_loop)]

mod benders;
pub mod breakdown;
pub mod check;
pub mod compare;
pub mod etp;
mod explain;
pub mod generate;
mod groups;
mod network;
mod report;
pub mod result;
pub mod scenario;
pub mod solve;
pub mod validate;

pub use check::{Recomputed, Violation, check};
pub use result::{Alert, Plan, Status};
pub use scenario::Scenario;
pub use solve::{Options, SolveError, solve};
pub use validate::{FieldError, Prepared, validate};
