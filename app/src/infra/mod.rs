//! Server-side plumbing shared by every area: configuration, database, mail, sessions, state.

pub mod config;
pub mod db;
pub mod mail;
pub mod sessions;
pub mod state;
pub mod time;
