//! Work spread over more threads than cores, for file-system calls that wait for the disk
//! rather than the CPU: reading pages from a cold cache, making and removing folders.
//!
//! Plain threads, not a rayon pool: rayon's idle workers spin looking for work, which costs
//! when there are more threads than cores.

use std::sync::atomic::{AtomicUsize, Ordering};

/// `items.iter().map(f)`, in order, on `threads` threads; each item is taken by one thread.
/// A panic in `f` is resumed on the caller.
pub fn map<T: Sync, R: Send>(items: &[T], threads: usize, f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, R)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads.max(1))
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        mine.push((i, f(item)));
                    }
                    mine
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    });
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_keep_the_order_of_the_items_and_every_thread_can_take_some() {
        let items: Vec<usize> = (0..500).collect();
        let threads = std::sync::Mutex::new(std::collections::HashSet::new());
        let out = super::map(&items, 8, |&i| {
            threads.lock().unwrap().insert(std::thread::current().id());
            std::thread::sleep(std::time::Duration::from_micros(200));
            i * 3
        });
        assert_eq!(out, (0..500).map(|i| i * 3).collect::<Vec<_>>());
        assert!(threads.lock().unwrap().len() > 2, "the work was not spread");
    }
}
