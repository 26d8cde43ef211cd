//! Work a request starts but does not wait for: the answer goes out at once, the same for
//! every caller, whatever the work costs (so its time tells nothing).

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::sync::Notify;

#[derive(Clone, Default)]
pub struct Background {
    running: Arc<AtomicUsize>,
    settled: Arc<Notify>,
}

impl Background {
    /// Runs `work` on its own task; a failure is logged by its kind only (`what`).
    pub fn spawn<E: std::fmt::Display>(
        &self,
        what: &'static str,
        work: impl Future<Output = Result<(), E>> + Send + 'static,
    ) {
        self.running.fetch_add(1, Ordering::SeqCst);
        let this = self.clone();
        tokio::spawn(async move {
            if let Err(error) = work.await {
                tracing::error!(%error, what, "background work failed");
            }
            if this.running.fetch_sub(1, Ordering::SeqCst) == 1 {
                this.settled.notify_waiters();
            }
        });
    }

    /// Waits until no work is running (for tests and shutdown).
    pub async fn settled(&self) {
        loop {
            let notified = self.settled.notified();
            if self.running.load(Ordering::SeqCst) == 0 {
                return;
            }
            notified.await;
        }
    }
}

/// The cores this process may run on (1 where the system cannot tell): what the hashing
/// threads, the database pool and the pages' turns are sized by.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Runs `work` on a named thread of its own, below the threads that serve pages: work that
/// may wait for idle CPU, so it never delays an answer.
pub fn spawn_below_pages<T: Send + 'static>(
    name: &str,
    work: impl FnOnce() -> T + Send + 'static,
) -> std::io::Result<std::thread::JoinHandle<T>> {
    std::thread::Builder::new()
        .name(name.to_string())
        .spawn(move || {
            lower_this_threads_priority();
            work()
        })
}

/// Puts this thread under Linux's idle scheduling policy (`SCHED_IDLE`, per thread): it runs
/// when a core has nothing else to do, and a page's thread waking up takes the core from it at
/// once. Under `nice` +10 a page's thread woke to find a hash holding its core for the rest of
/// the hash's time slice: during 40 log-in attempts a second, My Dashboard's p99 (at ~100 a
/// second) was 2.0 to 2.8 times its p99 without them; under `SCHED_IDLE` 1.2 to 2.1, about 1.7
/// on average, which is what bursts of bare arithmetic at the same share of the cores and the
/// same policy cost the pages too (2 cores, bench/RESULTS.md, 2026-12-07 10:40 and 12:55). Log-ins
/// still go on beside a full page load (18 a second against 36), only slower. Where the policy
/// is refused, the lowest `nice` instead; elsewhere than Linux the thread keeps its priority:
/// only slower pages.
fn lower_this_threads_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: plain system calls about this thread (0 and its own id); `param` outlives the call.
    unsafe {
        let param = libc::sched_param { sched_priority: 0 };
        if libc::sched_setscheduler(0, libc::SCHED_IDLE, &param) != 0 {
            libc::setpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t, 19);
        }
    }
}

/// Whether this thread runs under the idle scheduling policy.
#[cfg(all(test, target_os = "linux"))]
pub fn below_pages() -> bool {
    // SAFETY: a plain system call about this thread.
    unsafe { libc::sched_getscheduler(0) == libc::SCHED_IDLE }
}

#[cfg(test)]
mod tests {
    #[cfg(target_os = "linux")]
    #[test]
    fn work_below_pages_runs_at_a_lower_priority_on_its_own_thread() {
        assert!(!super::below_pages());
        let (name, below) = super::spawn_below_pages("below", || {
            (
                std::thread::current().name().map(str::to_string),
                super::below_pages(),
            )
        })
        .unwrap()
        .join()
        .unwrap();
        assert_eq!(name.as_deref(), Some("below"));
        assert!(below, "the thread runs under SCHED_IDLE");
        assert!(
            !super::below_pages(),
            "the caller's own priority is untouched"
        );
    }

    #[tokio::test]
    async fn settles_once_every_task_is_done() {
        let background = super::Background::default();
        let done = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        for n in 0..3u64 {
            let done = done.clone();
            background.spawn("test", async move {
                tokio::time::sleep(std::time::Duration::from_millis(10 * n)).await;
                done.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                Ok::<(), String>(())
            });
        }
        background.settled().await;
        assert_eq!(done.load(std::sync::atomic::Ordering::SeqCst), 3);
    }
}
