//! Missions: their life cycle, formats, and the centre's pay grid that prices them.

use serde::{Deserialize, Serialize};

use super::values::Money;

/// brouillon → publiée → pourvue → en cours → terminée, or annulée at any point before the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MissionStatus {
    Draft,
    Published,
    Filled,
    InProgress,
    Done,
    Cancelled,
}

impl MissionStatus {
    pub const ALL: &'static [MissionStatus] = &[
        MissionStatus::Draft,
        MissionStatus::Published,
        MissionStatus::Filled,
        MissionStatus::InProgress,
        MissionStatus::Done,
        MissionStatus::Cancelled,
    ];

    pub fn code(self) -> &'static str {
        match self {
            MissionStatus::Draft => "brouillon",
            MissionStatus::Published => "publiee",
            MissionStatus::Filled => "pourvue",
            MissionStatus::InProgress => "en_cours",
            MissionStatus::Done => "terminee",
            MissionStatus::Cancelled => "annulee",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            MissionStatus::Draft => "Brouillon",
            MissionStatus::Published => "Publiée",
            MissionStatus::Filled => "Pourvue",
            MissionStatus::InProgress => "En cours",
            MissionStatus::Done => "Terminée",
            MissionStatus::Cancelled => "Annulée",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|s| s.code() == code)
    }

    /// The statuses a mission may move to from this one.
    pub fn next(self) -> &'static [MissionStatus] {
        use MissionStatus::*;
        match self {
            Draft => &[Published, Cancelled],
            Published => &[Filled, Draft, Cancelled],
            Filled => &[InProgress, Published, Cancelled],
            InProgress => &[Done, Cancelled],
            Done | Cancelled => &[],
        }
    }

    pub fn can_move_to(self, to: MissionStatus) -> bool {
        self.next().contains(&to)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Format {
    Onsite,
    Remote,
}

impl Format {
    pub const ALL: &'static [Format] = &[Format::Onsite, Format::Remote];

    pub fn code(self) -> &'static str {
        match self {
            Format::Onsite => "presentiel",
            Format::Remote => "distanciel",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Format::Onsite => "Présentiel",
            Format::Remote => "Distanciel",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|f| f.code() == code)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum GroupKind {
    Individual,
    Group,
}

impl GroupKind {
    pub const ALL: &'static [GroupKind] = &[GroupKind::Individual, GroupKind::Group];

    pub fn code(self) -> &'static str {
        match self {
            GroupKind::Individual => "individuel",
            GroupKind::Group => "collectif",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            GroupKind::Individual => "Individuel",
            GroupKind::Group => "Collectif",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|g| g.code() == code)
    }
}

/// envoyée → proposée (staff made the trainer a proposal) → acceptée or déclinée or expirée;
/// envoyée → non retenue (another trainer accepted); envoyée ⇄ retirée (the trainer withdrew,
/// and may apply again while the mission is open). A cancelled proposal goes back to envoyée.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ApplicationStatus {
    #[serde(rename = "envoyee")]
    Sent,
    #[serde(rename = "retiree")]
    Withdrawn,
    #[serde(rename = "proposee")]
    Proposed,
    #[serde(rename = "acceptee")]
    Accepted,
    #[serde(rename = "declinee")]
    Declined,
    #[serde(rename = "non_retenue")]
    NotChosen,
    #[serde(rename = "expiree")]
    Expired,
}

impl ApplicationStatus {
    pub const ALL: &'static [ApplicationStatus] = &[
        ApplicationStatus::Sent,
        ApplicationStatus::Withdrawn,
        ApplicationStatus::Proposed,
        ApplicationStatus::Accepted,
        ApplicationStatus::Declined,
        ApplicationStatus::NotChosen,
        ApplicationStatus::Expired,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ApplicationStatus::Sent => "envoyee",
            ApplicationStatus::Withdrawn => "retiree",
            ApplicationStatus::Proposed => "proposee",
            ApplicationStatus::Accepted => "acceptee",
            ApplicationStatus::Declined => "declinee",
            ApplicationStatus::NotChosen => "non_retenue",
            ApplicationStatus::Expired => "expiree",
        }
    }

    /// The status as the trainer's list shows it.
    pub fn label(self) -> &'static str {
        match self {
            ApplicationStatus::Sent => "Envoyée",
            ApplicationStatus::Withdrawn => "Retirée",
            ApplicationStatus::Proposed => "Proposition reçue",
            ApplicationStatus::Accepted => "Acceptée",
            ApplicationStatus::Declined => "Déclinée",
            ApplicationStatus::NotChosen => "Non retenue",
            ApplicationStatus::Expired => "Expirée",
        }
    }

    /// What happens next, in the trainer's words.
    pub fn next_step(self) -> &'static str {
        match self {
            ApplicationStatus::Sent => "L'équipe étudie les candidatures : vous serez prévenu par e-mail si la mission vous est proposée.",
            ApplicationStatus::Withdrawn => "Vous avez retiré votre candidature ; vous pouvez postuler à nouveau tant que la mission est ouverte.",
            ApplicationStatus::Proposed => "La mission vous est proposée : acceptez-la ou déclinez-la avant la date limite.",
            ApplicationStatus::Accepted => "Prenez contact avec les stagiaires ; vous signerez ensuite le contrat de sous-traitance avec le centre.",
            ApplicationStatus::Declined => "Vous avez décliné la proposition.",
            ApplicationStatus::NotChosen => "La mission a été confiée à un autre formateur. Merci pour votre candidature.",
            ApplicationStatus::Expired => "Le délai de réponse à la proposition est passé.",
        }
    }

    /// The badge's tone: positive, neutral or waiting for something.
    pub fn tone(self) -> &'static str {
        match self {
            ApplicationStatus::Accepted => "badge badge-ok",
            ApplicationStatus::Proposed => "badge badge-warn",
            ApplicationStatus::Sent => "badge badge-info",
            _ => "badge",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|s| s.code() == code)
    }
}

/// A proposal made to one trainer: ouverte until they answer, its deadline passes or staff
/// cancel it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ProposalStatus {
    #[serde(rename = "ouverte")]
    Open,
    #[serde(rename = "acceptee")]
    Accepted,
    #[serde(rename = "declinee")]
    Declined,
    #[serde(rename = "expiree")]
    Expired,
    #[serde(rename = "annulee")]
    Cancelled,
}

impl ProposalStatus {
    pub const ALL: &'static [ProposalStatus] =
        &[ProposalStatus::Open, ProposalStatus::Accepted, ProposalStatus::Declined, ProposalStatus::Expired, ProposalStatus::Cancelled];

    pub fn code(self) -> &'static str {
        match self {
            ProposalStatus::Open => "ouverte",
            ProposalStatus::Accepted => "acceptee",
            ProposalStatus::Declined => "declinee",
            ProposalStatus::Expired => "expiree",
            ProposalStatus::Cancelled => "annulee",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ProposalStatus::Open => "En attente de réponse",
            ProposalStatus::Accepted => "Acceptée",
            ProposalStatus::Declined => "Déclinée",
            ProposalStatus::Expired => "Expirée",
            ProposalStatus::Cancelled => "Annulée",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|s| s.code() == code)
    }
}

/// One dated step of a mission's life, for its history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MissionEvent {
    Applied,
    Withdrew,
    Proposed,
    ProposalCancelled,
    Accepted,
    Declined,
    Expired,
    NotChosen,
}

impl MissionEvent {
    pub const ALL: &'static [MissionEvent] = &[
        MissionEvent::Applied,
        MissionEvent::Withdrew,
        MissionEvent::Proposed,
        MissionEvent::ProposalCancelled,
        MissionEvent::Accepted,
        MissionEvent::Declined,
        MissionEvent::Expired,
        MissionEvent::NotChosen,
    ];

    pub fn code(self) -> &'static str {
        match self {
            MissionEvent::Applied => "candidature",
            MissionEvent::Withdrew => "retrait",
            MissionEvent::Proposed => "proposition",
            MissionEvent::ProposalCancelled => "proposition_annulee",
            MissionEvent::Accepted => "acceptation",
            MissionEvent::Declined => "refus",
            MissionEvent::Expired => "expiration",
            MissionEvent::NotChosen => "non_retenue",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            MissionEvent::Applied => "Candidature",
            MissionEvent::Withdrew => "Candidature retirée",
            MissionEvent::Proposed => "Proposition envoyée",
            MissionEvent::ProposalCancelled => "Proposition annulée",
            MissionEvent::Accepted => "Proposition acceptée",
            MissionEvent::Declined => "Proposition déclinée",
            MissionEvent::Expired => "Proposition expirée",
            MissionEvent::NotChosen => "Candidature non retenue",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|s| s.code() == code)
    }
}

/// Staff set the answer deadline in hours; 48 h unless they say otherwise.
pub const DEFAULT_PROPOSAL_HOURS: i64 = 48;
/// The longest answer deadline staff may give (two weeks).
pub const MAX_PROPOSAL_HOURS: i64 = 336;

/// What a partner centre entrusts to Mission Formateur.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ManagementMode {
    #[serde(rename = "formateurs")]
    Trainers,
    #[serde(rename = "totale")]
    Full,
}

impl ManagementMode {
    pub const ALL: &'static [ManagementMode] = &[ManagementMode::Trainers, ManagementMode::Full];

    pub fn code(self) -> &'static str {
        match self {
            ManagementMode::Trainers => "formateurs",
            ManagementMode::Full => "totale",
        }
    }

    /// The short label of lists and of the centre's own page.
    pub fn label(self) -> &'static str {
        match self {
            ManagementMode::Trainers => "Gestion des formateurs",
            ManagementMode::Full => "Gestion totale",
        }
    }

    /// The label of the choice in the centre form.
    pub fn choice_label(self) -> &'static str {
        match self {
            ManagementMode::Trainers => "Gestion des formateurs",
            ManagementMode::Full => "Gestion totale de la formation",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|m| m.code() == code)
    }
}

/// One line of a centre's pay grid; an empty criterion matches anything.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayRate {
    pub domain_code: Option<String>,
    pub format: Option<Format>,
    pub group: Option<GroupKind>,
    /// Volume bracket, in hours: `min_hours` ≤ hours ≤ `max_hours` (open-ended when absent).
    pub min_hours: i64,
    pub max_hours: Option<i64>,
    pub hourly_rate: Money,
}

impl PayRate {
    fn matches(&self, domain: &str, format: Format, group: GroupKind, hours: i64) -> bool {
        self.domain_code.as_deref().is_none_or(|d| d == domain)
            && self.format.is_none_or(|f| f == format)
            && self.group.is_none_or(|g| g == group)
            && hours >= self.min_hours
            && self.max_hours.is_none_or(|max| hours <= max)
    }

    /// A line naming the domain beats one naming the format, which beats one naming the group
    /// size; among equals, the narrower volume bracket wins.
    fn specificity(&self) -> (u8, i64) {
        let criteria = 4 * u8::from(self.domain_code.is_some()) + 2 * u8::from(self.format.is_some()) + u8::from(self.group.is_some());
        let width = self.max_hours.map_or(i64::MAX, |max| max - self.min_hours);
        (criteria, -width)
    }
}

/// The hourly rate of a mission: the most specific matching line of the grid, else the default.
pub fn hourly_rate(grid: &[PayRate], default: Money, domain: &str, format: Format, group: GroupKind, hours: i64) -> Money {
    grid.iter()
        .filter(|r| r.matches(domain, format, group, hours))
        .max_by_key(|r| r.specificity())
        .map_or(default, |r| r.hourly_rate)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rate(domain: Option<&str>, format: Option<Format>, group: Option<GroupKind>, min: i64, max: Option<i64>, euros: i64) -> PayRate {
        PayRate { domain_code: domain.map(String::from), format, group, min_hours: min, max_hours: max, hourly_rate: Money::from_euros(euros) }
    }

    #[test]
    fn the_most_specific_line_of_the_grid_wins() {
        let grid = vec![
            rate(None, Some(Format::Remote), None, 0, None, 35),
            rate(Some("anglais"), None, None, 0, None, 45),
            rate(Some("anglais"), Some(Format::Onsite), Some(GroupKind::Group), 0, None, 55),
            rate(Some("anglais"), Some(Format::Onsite), Some(GroupKind::Group), 30, None, 50),
        ];
        let default = Money::from_euros(40);
        use Format::*;
        use GroupKind::*;
        assert_eq!(hourly_rate(&grid, default, "excel", Onsite, Individual, 10), default, "no line matches");
        assert_eq!(hourly_rate(&grid, default, "excel", Remote, Individual, 10), Money::from_euros(35));
        assert_eq!(hourly_rate(&grid, default, "anglais", Remote, Individual, 10), Money::from_euros(45), "the domain counts more than the format");
        assert_eq!(hourly_rate(&grid, default, "anglais", Onsite, Group, 20), Money::from_euros(55));
        assert_eq!(hourly_rate(&grid, default, "anglais", Onsite, Group, 40), Money::from_euros(50), "volume bracket: 30 h and more");
    }

    #[test]
    fn mission_life_cycle() {
        use MissionStatus::*;
        assert!(Draft.can_move_to(Published));
        assert!(Published.can_move_to(Filled));
        assert!(Filled.can_move_to(InProgress));
        assert!(InProgress.can_move_to(Done));
        assert!(!Done.can_move_to(Published));
        assert!(!Cancelled.can_move_to(Draft));
        assert!(!Draft.can_move_to(Done));
        assert!(Published.can_move_to(Cancelled));
    }
}
