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

/// Only same-site paths are followed after login ("/missions", never "//evil.example"). Any
/// control character or white space is refused too: browsers drop tabs and newlines from URLs,
/// so "/\t/evil.example" would become "//evil.example".
pub fn safe_next(next: Option<&str>) -> Option<String> {
    let next = next?.trim();
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.contains("://")
        && !next.chars().any(|c| c.is_control() || c.is_whitespace());
    ok.then(|| next.to_string())
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_same_site_paths_are_followed_after_login() {
        assert_eq!(safe_next(Some("/missions?page=2")).as_deref(), Some("/missions?page=2"));
        for bad in ["//evil.example", "/\t/evil.example", "/\n/evil.example", "/\r/evil.example", "/ /evil.example", "https://evil.example", "/\\evil.example", "missions"] {
            assert_eq!(safe_next(Some(bad)), None, "{bad:?}");
        }
        assert_eq!(safe_next(None), None);
    }
}

