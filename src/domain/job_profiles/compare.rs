//! What differs between two versions of one profile (diff), between two profiles (compare),
//! and a profile's mean required level per arc.

use serde::Serialize;
use utoipa::ToSchema;

use super::{ProfileVersion, RequirementView};
use crate::domain::types::{ActivityRole, Arc, Level};

#[derive(Debug, Serialize, ToSchema)]
pub struct TextChange {
    pub field: &'static str,
    pub from: String,
    pub to: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LevelChange {
    pub competency: String,
    pub competency_label: String,
    pub from: Level,
    pub to: Level,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SourceLabelChange {
    pub competency: String,
    pub from: String,
    pub to: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityRoleChange {
    pub activity: String,
    /// `None`: the job had no part in the activity.
    pub from: Option<ActivityRole>,
    pub to: Option<ActivityRole>,
}

/// Changes from version `from` to version `to` of one profile.
#[derive(Debug, Serialize, ToSchema)]
pub struct Diff {
    pub code: String,
    pub from: i32,
    pub to: i32,
    pub text_changes: Vec<TextChange>,
    pub requirements_added: Vec<RequirementView>,
    pub requirements_removed: Vec<RequirementView>,
    pub level_changes: Vec<LevelChange>,
    pub source_label_changes: Vec<SourceLabelChange>,
    pub activity_role_changes: Vec<ActivityRoleChange>,
}

pub fn diff(a: &ProfileVersion, b: &ProfileVersion) -> Diff {
    let text_changes = a
        .content
        .text_fields()
        .into_iter()
        .zip(b.content.text_fields())
        .filter(|((_, x), (_, y))| x != y)
        .map(|((field, x), (_, y))| TextChange { field, from: x.to_owned(), to: y.to_owned() })
        .collect();
    let find = |v: &ProfileVersion, code: &str| v.requirements.iter().find(|r| r.competency == code).cloned();
    let requirements_added = b.requirements.iter().filter(|r| find(a, &r.competency).is_none()).cloned().collect();
    let requirements_removed = a.requirements.iter().filter(|r| find(b, &r.competency).is_none()).cloned().collect();
    let mut level_changes = Vec::new();
    let mut source_label_changes = Vec::new();
    for old in &a.requirements {
        if let Some(new) = find(b, &old.competency) {
            if old.level != new.level {
                level_changes.push(LevelChange {
                    competency: old.competency.clone(),
                    competency_label: new.competency_label.clone(),
                    from: old.level,
                    to: new.level,
                });
            }
            if old.source_label != new.source_label {
                source_label_changes.push(SourceLabelChange {
                    competency: old.competency.clone(),
                    from: old.source_label.clone(),
                    to: new.source_label.clone(),
                });
            }
        }
    }
    let role = |v: &ProfileVersion, activity: &str| {
        v.content.activity_roles.iter().find(|r| r.activity == activity).map(|r| r.role)
    };
    let mut activities: Vec<&str> =
        a.content.activity_roles.iter().chain(&b.content.activity_roles).map(|r| r.activity.as_str()).collect();
    activities.sort();
    activities.dedup();
    let activity_role_changes = activities
        .into_iter()
        .filter(|act| role(a, act) != role(b, act))
        .map(|act| ActivityRoleChange { activity: act.to_owned(), from: role(a, act), to: role(b, act) })
        .collect();
    Diff {
        code: b.code.clone(),
        from: a.version,
        to: b.version,
        text_changes,
        requirements_added,
        requirements_removed,
        level_changes,
        source_label_changes,
        activity_role_changes,
    }
}

/// A run of words in a word-level diff: kept, removed from the old text or added in the new.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Words {
    Same(String),
    Removed(String),
    Added(String),
}

/// The old and new texts, word by word (whitespace kept): what a reader of two versions of a
/// sheet wants to see, rather than two whole paragraphs.
pub fn word_diff(old: &str, new: &str) -> Vec<Words> {
    use similar::{ChangeTag, TextDiff};
    let diff = TextDiff::from_words(old, new);
    let mut runs: Vec<Words> = Vec::new();
    for change in diff.iter_all_changes() {
        let text = change.value();
        // Consecutive words of one kind are joined into one run.
        match (runs.last_mut(), change.tag()) {
            (Some(Words::Same(t)), ChangeTag::Equal)
            | (Some(Words::Removed(t)), ChangeTag::Delete)
            | (Some(Words::Added(t)), ChangeTag::Insert) => t.push_str(text),
            (_, ChangeTag::Equal) => runs.push(Words::Same(text.to_owned())),
            (_, ChangeTag::Delete) => runs.push(Words::Removed(text.to_owned())),
            (_, ChangeTag::Insert) => runs.push(Words::Added(text.to_owned())),
        }
    }
    runs
}

/// The mean required level on one arc.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ArcLevel {
    pub arc: Arc,
    /// Mean of the required levels of the competencies on this arc; 0 when there are none.
    pub mean_level: f64,
    pub requirements: usize,
}

pub fn arc_profile(requirements: &[RequirementView]) -> Vec<ArcLevel> {
    Arc::ALL
        .iter()
        .map(|&arc| {
            let levels: Vec<i32> = requirements.iter().filter(|r| r.arc == arc).map(|r| r.level.get()).collect();
            let mean =
                if levels.is_empty() { 0.0 } else { f64::from(levels.iter().sum::<i32>()) / levels.len() as f64 };
            ArcLevel { arc, mean_level: (mean * 100.0).round() / 100.0, requirements: levels.len() }
        })
        .collect()
}

/// One competency required by either profile.
#[derive(Debug, Serialize, ToSchema)]
pub struct CompareRow {
    pub competency: String,
    pub competency_label: String,
    pub arc: Arc,
    /// Level the first profile requires (absent: not required).
    pub from_level: Option<Level>,
    pub to_level: Option<Level>,
    /// `to_level - from_level`, an absent level counting 0.
    pub gap: i32,
}

/// "What must a holder of `from` gain to meet `to`": requirement by requirement.
#[derive(Debug, Serialize, ToSchema)]
pub struct Comparison {
    pub from: String,
    pub to: String,
    pub rows: Vec<CompareRow>,
    /// Sum of the positive gaps: levels to gain.
    pub levels_to_gain: i32,
    /// Competencies where `to` asks more than `from`.
    pub competencies_to_raise: usize,
    pub from_arcs: Vec<ArcLevel>,
    pub to_arcs: Vec<ArcLevel>,
}

/// Rows follow `to`'s requirements, then those only `from` has.
pub fn compare(from: &ProfileVersion, to: &ProfileVersion) -> Comparison {
    let level = |v: &ProfileVersion, code: &str| v.requirements.iter().find(|r| r.competency == code).map(|r| r.level);
    let mut rows: Vec<CompareRow> = Vec::new();
    for r in to.requirements.iter().chain(&from.requirements) {
        if rows.iter().any(|row| row.competency == r.competency) {
            continue;
        }
        let (a, b) = (level(from, &r.competency), level(to, &r.competency));
        rows.push(CompareRow {
            competency: r.competency.clone(),
            competency_label: r.competency_label.clone(),
            arc: r.arc,
            from_level: a,
            to_level: b,
            gap: b.map_or(0, Level::get) - a.map_or(0, Level::get),
        });
    }
    Comparison {
        from: from.code.clone(),
        to: to.code.clone(),
        levels_to_gain: rows.iter().map(|r| r.gap.max(0)).sum(),
        competencies_to_raise: rows.iter().filter(|r| r.gap > 0).count(),
        from_arcs: arc_profile(&from.requirements),
        to_arcs: arc_profile(&to.requirements),
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::{Words, word_diff};

    #[test]
    fn a_word_diff_shows_the_words_removed_and_added_between_the_kept_ones() {
        let runs =
            word_diff("Accueillir les allocataires au guichet", "Accueillir les usagers au guichet et au téléphone");
        assert_eq!(runs.first(), Some(&Words::Same("Accueillir les ".into())));
        assert!(runs.contains(&Words::Removed("allocataires".into())), "{runs:?}");
        assert!(runs.contains(&Words::Added("usagers".into())), "{runs:?}");
        assert!(runs.iter().any(|w| matches!(w, Words::Added(t) if t.contains("téléphone"))), "{runs:?}");
        let rebuilt: String = runs
            .iter()
            .filter_map(|w| match w {
                Words::Same(t) | Words::Added(t) => Some(t.as_str()),
                Words::Removed(_) => None,
            })
            .collect();
        assert_eq!(rebuilt, "Accueillir les usagers au guichet et au téléphone");
    }

    #[test]
    fn equal_texts_are_one_kept_run() {
        assert_eq!(word_diff("Finalité", "Finalité"), vec![Words::Same("Finalité".into())]);
    }
}
