//! The business rules of Mission Formateur: pure functions and value types, no I/O.
//!
//! Compiled into the server (which decides) and into the browser's WebAssembly (which explains).

pub mod dates;
pub mod eligibility;
pub mod form;
pub mod forms;
pub mod french;
pub mod geo;
pub mod languages;
pub mod contracts;
pub mod missions;
pub mod password;
pub mod ranking;
pub mod profile;
pub mod testing;
pub mod values;

pub use dates::{french_date, parse_date, short_date};
pub use eligibility::{
    evaluate, next_steps, Action, DomainRef, Eligibility, MissionRequirements, NextStep, Paperwork,
    PassedTest, ProfileStatus, QcmPass, QualiopiCertificate, Refusal, RefusalCode, RetakeDelay,
    RuleSettings, TestLevel, TestRef, TrainerFacts, TurnoverCeiling, Warning, WarningCode,
};
pub use values::{
    Cefr, CompetenceLevel, Email, LearnerLevel, LegalStatus, Money, Nda, NativeRequirement, Phone,
    PostalCode, Siren, Siret,
};
