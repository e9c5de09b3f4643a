//! A one-line progress report for long builds: after a second, standard error shows the stage
//! and how many pages it has done, redrawn in place ten times a second, and cleared at the end.
//!
//! Only for `build` on a terminal (the CLI decides); a build that ends within the second prints
//! nothing. Counting is one relaxed atomic add per page, so it costs nothing measurable.

use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long a build runs before the progress line appears.
const DELAY: Duration = Duration::from_secs(1);
/// How often the line is redrawn.
const TICK: Duration = Duration::from_millis(100);

#[derive(Default)]
struct State {
    stage: Mutex<&'static str>,
    done: AtomicUsize,
    total: AtomicUsize,
    stop: AtomicBool,
}

/// The progress of one build; reporting stops when it is dropped.
pub struct Progress {
    state: Arc<State>,
    thread: Option<JoinHandle<()>>,
}

impl Progress {
    /// Starts reporting to standard error when `on`; otherwise every call does nothing.
    pub fn start(on: bool) -> Progress {
        let state = Arc::new(State::default());
        let thread = on.then(|| {
            let state = Arc::clone(&state);
            std::thread::spawn(move || report(&state))
        });
        Progress { state, thread }
    }

    /// Enters a stage of `total` pages.
    pub fn stage(&self, name: &'static str, total: usize) {
        if let Ok(mut s) = self.state.stage.lock() {
            *s = name;
        }
        self.state.total.store(total, Ordering::Relaxed);
        self.state.done.store(0, Ordering::Relaxed);
    }

    /// One more page done in the current stage.
    pub fn tick(&self) {
        self.state.done.fetch_add(1, Ordering::Relaxed);
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.state.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn report(state: &State) {
    let start = Instant::now();
    let mut shown = false;
    while !state.stop.load(Ordering::Relaxed) {
        std::thread::sleep(TICK);
        if start.elapsed() < DELAY || state.stop.load(Ordering::Relaxed) {
            continue;
        }
        let stage = state.stage.lock().map(|s| *s).unwrap_or("");
        let line = line(stage, state.done.load(Ordering::Relaxed), state.total.load(Ordering::Relaxed));
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K{line}");
        let _ = err.flush();
        shown = true;
    }
    if shown {
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K");
        let _ = err.flush();
    }
}

/// The text of the progress line: `render  [#########.........]  4,210/10,101 pages`.
pub fn line(stage: &str, done: usize, total: usize) -> String {
    const WIDTH: usize = 24;
    let done = done.min(total);
    let filled = (done * WIDTH).checked_div(total).unwrap_or(0);
    format!(
        "{stage:<8} [{}{}] {:>7}/{} pages",
        "#".repeat(filled),
        ".".repeat(WIDTH - filled),
        thousands(done),
        thousands(total)
    )
}

fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_shows_stage_bar_and_counts() {
        assert_eq!(line("render", 5050, 10_101), "render   [###########.............]   5,050/10,101 pages");
        assert_eq!(line("markdown", 0, 0), "markdown [........................]       0/0 pages");
        assert_eq!(line("search", 12, 10), "search   [########################]      10/10 pages");
    }

    #[test]
    fn dropping_stops_the_reporter_within_a_tick() {
        let t = Instant::now();
        let p = Progress::start(true);
        p.stage("render", 3);
        p.tick();
        drop(p);
        assert!(t.elapsed() < DELAY, "dropping stops the reporter within a tick");
    }
}
