//! "Claims Paid": what the plan paid each month, the last 12 months, on claims the NPIs the
//! user holds billed or rendered. Drawn here as SVG (no chart library reaches the browser), with a title and summary
//! for screen readers and the same figures as a table.

use crate::domain::Money;
use crate::ui::{Column, DataTable};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// How many months the chart covers, this one included.
#[cfg(any(feature = "ssr", test))]
pub const MONTHS: usize = 12;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonthPaid {
    /// "Dec 2025".
    pub label: String,
    pub cents: i64,
}

#[cfg(any(feature = "ssr", test))]
const MONTH_NAMES: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// The months the chart shows, oldest first, ending with `today`'s: (year, month).
#[cfg(any(feature = "ssr", test))]
pub fn months_ending(today: jiff::civil::Date) -> Vec<(i16, i8)> {
    let (mut year, mut month) = (today.year(), today.month());
    let mut out = Vec::with_capacity(MONTHS);
    for _ in 0..MONTHS {
        out.push((year, month));
        (year, month) = if month == 1 {
            (year - 1, 12)
        } else {
            (year, month - 1)
        };
    }
    out.reverse();
    out
}

/// Every month of the chart, with what was paid in it (`paid`: "YYYY-MM" → cents).
#[cfg(any(feature = "ssr", test))]
pub fn by_month(today: jiff::civil::Date, paid: &[(String, i64)]) -> Vec<MonthPaid> {
    months_ending(today)
        .into_iter()
        .map(|(y, m)| {
            let key = format!("{y:04}-{m:02}");
            MonthPaid {
                label: format!("{} {y}", MONTH_NAMES[(m - 1) as usize]),
                cents: paid.iter().find(|(k, _)| *k == key).map_or(0, |p| p.1),
            }
        })
        .collect()
}

/// A round top for the scale: 1, 2 or 5 times a power of ten, at least `max`.
pub fn scale_top(max: i64) -> i64 {
    let mut step = 100; // one dollar
    loop {
        for factor in [1, 2, 5] {
            if step * factor >= max {
                return step * factor;
            }
        }
        step *= 10;
    }
}

/// Whole dollars, for axis labels: "$12,000".
fn dollars(cents: i64) -> String {
    let text = Money::from_cents(cents).to_string();
    text.strip_suffix(".00").map(str::to_string).unwrap_or(text)
}

const WIDTH: i64 = 640;
const HEIGHT: i64 = 260;
const LEFT: i64 = 80;
const BOTTOM: i64 = 36;
const TOP: i64 = 12;
const PLOT: i64 = HEIGHT - BOTTOM - TOP;

/// The width of a month's slot on the chart.
fn slot(months: usize) -> i64 {
    (WIDTH - LEFT) / months.max(1) as i64
}

/// The bars, one closed rectangle a month with payments, as one SVG path: one element for the
/// chart, not four numbers on each of twelve (each written as a string of its own).
fn bars_path(months: &[MonthPaid], top: i64) -> String {
    use std::fmt::Write;
    let slot = slot(months.len());
    let width = slot * 2 / 3;
    let mut d = String::with_capacity(months.len() * 28);
    for (i, m) in months.iter().enumerate() {
        let height = m.cents * PLOT / top;
        if height > 0 {
            let x = LEFT + i as i64 * slot + slot / 6;
            let _ = write!(d, "M{x} {}h{width}v{height}h-{width}z", TOP + PLOT - height);
        }
    }
    d
}

/// How far down the chart the scale's line `k` of 0 to 4 (quarters of its top) is drawn.
fn scale_y(k: i64) -> i64 {
    TOP + PLOT - PLOT * k / 4
}

/// The scale's five lines, as one SVG path.
fn grid_path() -> String {
    (0..=4)
        .map(|k| format!("M{LEFT} {}H{WIDTH}", scale_y(k)))
        .collect()
}

#[component]
pub fn PaidChart(months: Vec<MonthPaid>) -> impl IntoView {
    let top = scale_top(months.iter().map(|m| m.cents).max().unwrap_or(0).max(1));
    let slot = slot(months.len());
    let total: i64 = months.iter().map(|m| m.cents).sum();
    let summary = match months.iter().max_by_key(|m| m.cents) {
        Some(best) if best.cents > 0 => format!(
            "{} paid in all; the most, {}, in {}.",
            Money::from_cents(total),
            Money::from_cents(best.cents),
            best.label
        ),
        _ => "Nothing was paid in these months.".to_string(),
    };
    let labels = months
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let label_x = LEFT + i as i64 * slot + slot / 2;
            let short = m.label[..3].to_string();
            view! { <text x=label_x y=HEIGHT - BOTTOM + 16 text-anchor="middle" class="axis">{short}</text> }
        })
        .collect_view();
    let ticks = (0..=4)
        .map(|k| {
            let y = scale_y(k);
            view! { <text x=LEFT - 6 y=y + 4 text-anchor="end" class="axis">{dollars(top * k / 4)}</text> }
        })
        .collect_view();
    let bars = bars_path(&months, top);
    let rows = Signal::stored(months);
    let columns = vec![
        Column::text("Month", |m: &MonthPaid| m.label.clone()),
        Column::text("Paid", |m: &MonthPaid| {
            Money::from_cents(m.cents).to_string()
        }),
    ];
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-labelledby="paid-chart-title paid-chart-desc"
                xmlns="http://www.w3.org/2000/svg">
                <title id="paid-chart-title">"Claims paid by month, last 12 months"</title>
                <desc id="paid-chart-desc">{summary.clone()}</desc>
                <path d=grid_path() class="grid" />
                {ticks}
                <path d=bars class="bar" />
                {labels}
            </svg>
            <figcaption>{summary}</figcaption>
            <details>
                <summary>"Show the figures as a table"</summary>
                <DataTable caption="Claims paid by month" columns rows empty="" />
            </details>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn the_chart_covers_twelve_months_ending_with_this_one_across_a_new_year() {
        let months = months_ending(date(2026, 3, 15));
        assert_eq!(months.len(), MONTHS);
        assert_eq!(months[0], (2025, 4));
        assert_eq!(months[8], (2025, 12));
        assert_eq!(months[9], (2026, 1));
        assert_eq!(months[11], (2026, 3));
    }

    #[test]
    fn months_without_payments_show_zero() {
        let paid = vec![("2026-01".to_string(), 12_345), ("2024-01".to_string(), 9)];
        let months = by_month(date(2026, 3, 1), &paid);
        assert_eq!(
            months[9],
            MonthPaid {
                label: "Jan 2026".into(),
                cents: 12_345
            }
        );
        assert_eq!(months.iter().map(|m| m.cents).sum::<i64>(), 12_345);
        assert_eq!(months[11].label, "Mar 2026");
    }

    #[test]
    fn each_month_with_payments_is_a_bar_as_tall_as_its_share_of_the_scale() {
        let month = |cents| MonthPaid {
            label: "Jan 2026".into(),
            cents,
        };
        let months = [month(0), month(50_000), month(100_000)];
        // Slots of (640 - 80) / 3 = 186: bars 124 wide, a sixth of a slot in; the plot is 212
        // high, its floor at 224.
        assert_eq!(
            bars_path(&months, 100_000),
            "M297 118h124v106h-124zM483 12h124v212h-124z"
        );
        assert_eq!(bars_path(&[month(0)], 100), "", "nothing paid: no bar");
        assert_eq!(
            grid_path(),
            "M80 224H640M80 171H640M80 118H640M80 65H640M80 12H640"
        );
    }

    #[test]
    fn the_scale_tops_at_a_round_figure() {
        assert_eq!(scale_top(1), 100);
        assert_eq!(scale_top(150), 200);
        assert_eq!(scale_top(1_234_500), 2_000_000);
        assert_eq!(scale_top(5_000_000), 5_000_000);
    }
}
