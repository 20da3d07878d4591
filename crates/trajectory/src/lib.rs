//! The workforce trajectory of `docs/trajectory.md`: years ahead, per organisation and job sheet.
//! The case (stock, departures, assumptions, targets), its validation, the projection without
//! action, the exact plan of hires, moves and training with HiGHS (through good_lp), and fixed
//! departures worked out from people (retirement by birth cohort, known departures). It knows
//! nothing of HTTP or SQL.

// Flows are indexed by job and year, as the formulation writes them (S[j,y], h[j,y]).
#![allow(clippy::needless_range_loop)]

pub mod case;
pub mod departures;
pub mod generate;
pub mod project;
pub mod result;
pub mod solve;
pub mod validate;

pub use case::Case;
pub use result::{Flow, Status, Trajectory};
pub use solve::{Options, SolveError, solve};
pub use validate::{FieldError, validate};
