//! The load-to-ETP report, without solving: the load in ETP, the ETP available, and the target
//! staffing (cible d'effectifs) that would keep every backlog at or below normal with no pools.

use serde::{Deserialize, Serialize};

use crate::validate::Prepared;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = planning::EtpReport))]
pub struct EtpReport {
    pub hours_per_fte: f64,
    /// Per activity and month.
    pub activities: Vec<ActivityLoad>,
    /// Per month: the load of every activity against the agents' capacity.
    pub periods: Vec<PeriodLoad>,
    /// ETP moyen annuel over the horizon: the mean of the monthly load, in ETP.
    pub etpma_need: f64,
    /// The mean of the monthly available ETP.
    pub etpma_available: f64,
    pub target: Target,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = planning::ActivityLoad))]
pub struct ActivityLoad {
    pub activity: String,
    pub period: String,
    pub volume: f64,
    /// `volume * minutes_per_item / 60 / hours_per_fte`.
    pub need_fte: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = planning::PeriodLoad))]
pub struct PeriodLoad {
    pub period: String,
    pub need_fte: f64,
    /// `sum of agents' capacity / hours_per_fte` (after unavailability).
    pub available_fte: f64,
    /// Available minus need.
    pub delta_fte: f64,
}

/// The constant staffing that absorbs the load: for each activity, the smallest steady monthly
/// throughput whose backlog never exceeds `backlog_normal_max`, in ETP of productive time.
/// Qualifications are not considered: it is a head count, not an allocation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = planning::Target))]
pub struct Target {
    /// Sum over activities.
    pub fte: f64,
    /// `fte` minus the mean available ETP: positive means too few, negative a margin.
    pub gap_fte: f64,
    pub activities: Vec<ActivityTarget>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = planning::ActivityTarget))]
pub struct ActivityTarget {
    pub activity: String,
    /// Items to process each month, at the activity's base standard time.
    pub items_per_month: f64,
    pub fte: f64,
}

/// Smallest steady throughput `r` keeping the backlog at or below `normal` every month. With the
/// backlog `B[t] = max(0, B[t-1] + v[t] - r)`, the backlog at `t` is the largest excess over any
/// window of months ending at `t` (starting from the initial backlog for the window that starts
/// at the beginning), so `r` must cover every window: `(start + sum v - normal) / months`.
pub fn steady_throughput(initial: f64, volumes: &[f64], normal: f64) -> f64 {
    steady_hours(initial, volumes, &vec![1.0; volumes.len()], normal)
}

/// The same with a standard time that changes (version 2): the smallest steady number of hours a
/// month when an hour processes `rates[t]` items in month t. Every window must be covered by the
/// items its hours process: `(start + sum v - normal) / sum rates`.
pub fn steady_hours(initial: f64, volumes: &[f64], rates: &[f64], normal: f64) -> f64 {
    let mut r: f64 = 0.0;
    for s in 0..volumes.len() {
        let (mut sum, mut per_hour) = (if s == 0 { initial } else { 0.0 }, 0.0);
        for (v, rate) in volumes[s..].iter().zip(&rates[s..]) {
            sum += v;
            per_hour += rate;
            r = r.max((sum - normal) / per_hour);
        }
    }
    r
}

pub fn report(p: &Prepared) -> EtpReport {
    let s = p.scenario;
    let hpf = s.hours_per_fte;
    let nt = p.periods();
    let mut activities = Vec::new();
    let mut need = vec![0.0; nt];
    let mut targets = Vec::new();
    for (a, act) in s.activities.iter().enumerate() {
        for t in 0..nt {
            let need_fte = p.volume[a][t] * p.minutes[a][t] / 60.0 / hpf;
            need[t] += need_fte;
            activities.push(ActivityLoad {
                activity: act.code.clone(),
                period: s.periods[t].clone(),
                volume: p.volume[a][t],
                need_fte,
            });
        }
        let rates: Vec<f64> = (0..nt).map(|t| p.rate(a, t)).collect();
        let hours = steady_hours(act.initial_backlog, &p.volume[a], &rates, act.backlog_normal_max);
        let items_per_month = hours * 60.0 / act.minutes_per_item;
        targets.push(ActivityTarget { activity: act.code.clone(), items_per_month, fte: hours / hpf });
    }
    let periods: Vec<PeriodLoad> = (0..nt)
        .map(|t| {
            let available_fte = p.cap.iter().map(|c| c[t]).sum::<f64>() / hpf;
            PeriodLoad {
                period: s.periods[t].clone(),
                need_fte: need[t],
                available_fte,
                delta_fte: available_fte - need[t],
            }
        })
        .collect();
    let mean = |f: fn(&PeriodLoad) -> f64| periods.iter().map(f).sum::<f64>() / nt.max(1) as f64;
    let (etpma_need, etpma_available) = (mean(|p| p.need_fte), mean(|p| p.available_fte));
    let fte = targets.iter().map(|t| t.fte).sum::<f64>();
    EtpReport {
        hours_per_fte: hpf,
        activities,
        periods,
        etpma_need,
        etpma_available,
        target: Target { fte, gap_fte: fte - etpma_available, activities: targets },
    }
}

#[cfg(test)]
mod tests {
    use super::steady_throughput;

    #[test]
    fn a_steady_load_needs_its_own_volume() {
        assert_eq!(steady_throughput(0.0, &[100.0, 100.0, 100.0], 0.0), 100.0);
    }

    #[test]
    fn the_normal_backlog_absorbs_part_of_a_peak() {
        // 300 over 3 months, 150 may wait: 150 more than normal in month 1 alone.
        assert_eq!(steady_throughput(0.0, &[300.0, 0.0, 0.0], 150.0), 150.0);
    }

    #[test]
    fn a_late_peak_cannot_use_the_quiet_months_before_it() {
        // Processing cannot get ahead of items not yet arrived: month 3 alone needs 400 - 100.
        assert_eq!(steady_throughput(0.0, &[0.0, 0.0, 400.0], 100.0), 300.0);
    }

    #[test]
    fn a_faster_standard_lowers_the_hours_needed() {
        // 120 items a month; from month 2 an hour processes 3 items instead of 2.
        // Window 1: 120 / 2 = 60 h; months 1-2: 240 / 5 = 48 h; month 2 alone: 40 h.
        assert_eq!(super::steady_hours(0.0, &[120.0, 120.0], &[2.0, 3.0], 0.0), 60.0);
        assert_eq!(super::steady_hours(0.0, &[0.0, 120.0], &[2.0, 3.0], 0.0), 40.0);
    }

    #[test]
    fn the_initial_backlog_counts_from_the_first_month() {
        // 500 waiting + 100 a month, normal 200: after 2 months 700 - 2r <= 200 and 600 - r <= 200.
        assert_eq!(steady_throughput(500.0, &[100.0, 100.0], 200.0), 400.0);
    }
}
