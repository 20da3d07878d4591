//! One module per screen: each reads its request, calls the domain and renders a template.

pub mod agents;
pub mod dictionary;
pub mod home;
pub mod login;
