//! Stage timings for `--timings`.

use std::time::Instant;

/// Wall time per stage, printed by `--timings` (`build` and `serve`): the one place the
/// pipeline is timed.
pub(crate) struct Timings(Option<(Instant, Option<f64>)>);

impl Timings {
    pub(crate) fn new(on: bool) -> Self {
        Timings(on.then(|| (Instant::now(), cpu_seconds())))
    }

    /// Prints the time since the previous stage ended, how many cores it kept busy on average
    /// (a stage well under the core count has serial work or waits), and the memory in use and
    /// at its peak.
    pub(crate) fn done(&mut self, name: &str) {
        if let Some((t, cpu)) = self.0 {
            let wall = t.elapsed().as_secs_f64();
            let now = cpu_seconds();
            let cores = match (cpu, now) {
                (Some(a), Some(b)) if wall > 0.0 => format!("  {:4.1} cores", (b - a) / wall),
                _ => String::new(),
            };
            eprintln!("{name:>24}: {:8.1} ms{cores}{}", wall * 1e3, memory());
            self.0 = Some((Instant::now(), cpu_seconds()));
        }
    }
}

/// CPU time (user and system) of the whole process so far, in seconds; None where unknown.
fn cpu_seconds() -> Option<f64> {
    #[cfg(unix)]
    {
        // SAFETY: getrusage writes one rusage struct through a pointer valid for the call.
        let mut u: libc::rusage = unsafe { std::mem::zeroed() };
        if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) } != 0 {
            return None;
        }
        let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 * 1e-6;
        Some(secs(u.ru_utime) + secs(u.ru_stime))
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// `  rss … MB, peak … MB` from `/proc/self/status`; empty where there is no such file.
fn memory() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let mb = |key: &str| {
        let line = status.lines().find(|l| l.starts_with(key))?;
        let kb: u64 = line[key.len()..].trim().trim_end_matches("kB").trim().parse().ok()?;
        Some(kb / 1024)
    };
    match (mb("VmRSS:"), mb("VmHWM:")) {
        (Some(rss), Some(peak)) => format!("   rss {rss:5} MB, peak {peak:5} MB"),
        _ => String::new(),
    }
}
