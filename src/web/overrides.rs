//! A what-if variant's overrides in words, one line each, for the plan and comparison pages.

use crate::domain::planning::overrides::{Overrides, PoolChange};
use crate::web::i18n;

/// Each override of `o` as a sentence.
pub fn lines(o: &Overrides) -> Vec<String> {
    // As few decimals as the value needs: 1,5 and 800, not 1,50 and 800,00.
    let n = |v: f64| {
        let text = i18n::number(v, 2);
        if text.contains(',') { text.trim_end_matches('0').trim_end_matches(',').to_owned() } else { text }
    };
    let mut lines = Vec::new();
    for v in &o.volumes {
        let args = [
            ("activity", v.activity.clone()),
            ("multiplier", n(v.multiplier)),
            ("from", v.from.clone()),
            ("to", v.to.clone()),
        ];
        lines.push(i18n::tr("override-volume", &args));
    }
    for p in &o.pools {
        lines.push(pool(p, &n));
    }
    for a in &o.unavailability {
        let who = match &a.unit {
            Some(unit) if a.agents.is_empty() => i18n::tr("override-unit", &[("unit", unit.clone())]),
            Some(unit) => format!("{}, {}", i18n::tr("override-unit", &[("unit", unit.clone())]), a.agents.join(", ")),
            None => a.agents.join(", "),
        };
        let args = [
            ("who", who),
            ("share", format!("{} %", n(a.share * 100.0))),
            ("from", a.from.clone()),
            ("to", a.to.clone()),
        ];
        lines.push(i18n::tr("override-absence", &args));
    }
    if let Some(hours) = o.hours_per_fte {
        lines.push(i18n::tr("override-hours", &[("hours", n(hours))]));
    }
    lines
}

fn pool(p: &PoolChange, n: &dyn Fn(f64) -> String) -> String {
    if p.off {
        return i18n::tr("override-pool-off", &[("pool", p.pool.clone())]);
    }
    let mut changes = Vec::new();
    if let Some(heads) = p.max_heads {
        changes.push(i18n::tr("override-pool-heads", &[("heads", heads.to_string())]));
    }
    if let Some(share) = p.max_share {
        changes.push(i18n::tr("override-pool-share", &[("share", format!("{} %", n(share * 100.0)))]));
    }
    if let Some(factor) = p.hours_factor {
        changes.push(i18n::tr("override-pool-hours", &[("factor", n(factor))]));
    }
    if let Some(cost) = p.cost {
        changes.push(i18n::tr("override-pool-cost", &[("cost", n(cost))]));
    }
    i18n::tr("override-pool", &[("pool", p.pool.clone()), ("changes", changes.join(", "))])
}
