//! The repositories: the only place where SQL is written. One module per area owns that area's
//! tables; server functions call them after the guard (`crate::guard`) and never build queries.
//! Functions that read or write a person's data take the caller's `Ctx`.
//! `scripts/check-query-placement.sh` (run by `make test`) fails when a query appears elsewhere.

pub mod accounts;
pub mod applications;
pub mod audit;
pub mod centres;
pub mod codes;
pub mod competence;
pub mod contracts;
pub mod documents;
pub mod emails;
pub mod fixtures;
pub mod invitations;
pub mod missions;
pub mod notifications;
pub mod profiles;
pub mod proposals;
pub mod settings;
