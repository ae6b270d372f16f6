//! Who is using the app: roles, the logged-in user, flash messages. A leaf module (it imports
//! nothing of the app), so that accounts, notifications and components can all depend on it.

use serde::{Deserialize, Serialize};

/// What an account may do on the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    Trainer,
    Staff,
    Centre,
}

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Role::Trainer => "trainer",
            Role::Staff => "staff",
            Role::Centre => "centre",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "trainer" => Some(Role::Trainer),
            "staff" => Some(Role::Staff),
            "centre" => Some(Role::Centre),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Trainer => "Formateur",
            Role::Staff => "Équipe Mission Formateur",
            Role::Centre => "Centre de formation",
        }
    }

    /// The page each role lands on after logging in.
    pub fn home(self) -> &'static str {
        match self {
            Role::Trainer => "/espace",
            Role::Staff => "/equipe",
            Role::Centre => "/centre",
        }
    }
}

/// The logged-in user, as pages see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    pub id: i64,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub role: Role,
}

impl SessionUser {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

/// A one-time message shown at the top of the next page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flash {
    pub kind: FlashKind,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FlashKind {
    Success,
    Info,
    Warning,
}

/// What the layout needs on every page: who is there, and a pending flash message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub user: Option<SessionUser>,
    pub flash: Option<Flash>,
    pub unread_notifications: i64,
}

/// Where to go after a successful form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Redirect {
    pub to: String,
}

/// Only same-site paths are followed after login ("/missions", never "//evil.example").
pub fn safe_next(next: Option<&str>) -> Option<String> {
    let next = next?.trim();
    let ok = next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') && !next.contains("://");
    ok.then(|| next.to_string())
}

