//! Dates as Japanese readers write them: 2026年11月24日, or with the era name (和暦),
//! 令和8年11月24日, when `site.yaml` says `date_style: wareki`. Only the shown text changes:
//! `<time datetime>`, the sitemap and JSON-LD keep the ISO date.

use serde::{Deserialize, Serialize};

/// How dates are shown (`date_style` in `site.yaml`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DateStyle {
    /// 2026年11月24日.
    #[default]
    Western,
    /// 令和8年11月24日 (元年 for an era's first year).
    Wareki,
}

/// Modern eras, latest first: the name, the Western year of its first year (元年), and the first
/// day shown in it. Meiji is shown from 1873-01-01 (明治6年), when Japan took the Gregorian
/// calendar; earlier dates are shown in the Western calendar.
const ERAS: &[(&str, u32, (u32, u32, u32))] = &[
    ("令和", 2019, (2019, 5, 1)),
    ("平成", 1989, (1989, 1, 8)),
    ("昭和", 1926, (1926, 12, 25)),
    ("大正", 1912, (1912, 7, 30)),
    ("明治", 1868, (1873, 1, 1)),
];

/// `YYYY-MM-DD` as a Japanese date in `style`; None for anything that is not such a date.
pub(crate) fn japanese_date(iso: &str, style: DateStyle) -> Option<String> {
    let mut parts = iso.split('-');
    let mut field = |len: usize| parts.next().filter(|p| p.len() == len && p.bytes().all(|b| b.is_ascii_digit()));
    let (y, m, d) = (field(4)?.parse().ok()?, field(2)?.parse().ok()?, field(2)?.parse().ok()?);
    if parts.next().is_some() || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let era = ERAS.iter().find(|(_, _, start)| (y, m, d) >= *start).filter(|_| style == DateStyle::Wareki);
    Some(match era {
        Some((name, first, _)) if y == *first => format!("{name}元年{m}月{d}日"),
        Some((name, first, _)) => format!("{name}{}年{m}月{d}日", y - first + 1),
        None => format!("{y}年{m}月{d}日"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wareki(iso: &str) -> String {
        japanese_date(iso, DateStyle::Wareki).unwrap()
    }

    #[test]
    fn western_dates_drop_leading_zeros() {
        assert_eq!(japanese_date("2026-11-24", DateStyle::Western).as_deref(), Some("2026年11月24日"));
        assert_eq!(japanese_date("2025-01-05", DateStyle::Western).as_deref(), Some("2025年1月5日"));
    }

    #[test]
    fn era_boundaries() {
        assert_eq!(wareki("2026-11-24"), "令和8年11月24日");
        assert_eq!(wareki("2019-04-30"), "平成31年4月30日");
        assert_eq!(wareki("2019-05-01"), "令和元年5月1日");
        assert_eq!(wareki("2020-01-01"), "令和2年1月1日");
        assert_eq!(wareki("1989-01-07"), "昭和64年1月7日");
        assert_eq!(wareki("1989-01-08"), "平成元年1月8日");
        assert_eq!(wareki("1926-12-24"), "大正15年12月24日");
        assert_eq!(wareki("1926-12-25"), "昭和元年12月25日");
        assert_eq!(wareki("1912-07-30"), "大正元年7月30日");
        assert_eq!(wareki("1873-01-01"), "明治6年1月1日");
        assert_eq!(wareki("1872-12-31"), "1872年12月31日");
    }

    #[test]
    fn anything_but_an_iso_date_is_left_alone() {
        for bad in
            ["", "2026-11", "2026-11-24-1", "26-11-24", "2026-13-01", "2026-1-05", "２０２６-11-24", "2026-11-00"]
        {
            assert_eq!(japanese_date(bad, DateStyle::Wareki), None, "{bad}");
        }
    }
}
