//! The typed forms of each area (see `domain::form` for the pattern).

pub mod accounts;
pub mod centres;
pub mod competence;
pub mod missions;
pub mod profile;
pub mod ranking;
