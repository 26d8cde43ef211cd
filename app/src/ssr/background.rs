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

/// Runs `work` on a named thread of its own, `by` below the threads that serve pages (`nice`):
/// work that may wait for idle CPU, so it never delays an answer.
pub fn spawn_below_pages<T: Send + 'static>(
    name: &str,
    by: i32,
    work: impl FnOnce() -> T + Send + 'static,
) -> std::io::Result<std::thread::JoinHandle<T>> {
    std::thread::Builder::new()
        .name(name.to_string())
        .spawn(move || {
            lower_this_threads_priority(by);
            work()
        })
}

/// Raises this thread's `nice` value by `by` (Linux scheduling priority is per thread).
/// Elsewhere, or if the system refuses, the thread keeps its priority: only slower pages.
fn lower_this_threads_priority(by: i32) {
    #[cfg(target_os = "linux")]
    // SAFETY: plain system calls on this thread's own id; no memory is shared.
    unsafe {
        let tid = libc::gettid() as libc::id_t;
        let now = libc::getpriority(libc::PRIO_PROCESS, tid);
        libc::setpriority(libc::PRIO_PROCESS, tid, (now + by).min(19));
    }
    #[cfg(not(target_os = "linux"))]
    let _ = by;
}

/// This thread's `nice` value.
#[cfg(all(test, target_os = "linux"))]
pub fn niceness() -> i32 {
    // SAFETY: a plain system call about this thread.
    unsafe { libc::getpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t) }
}

#[cfg(test)]
mod tests {
    #[cfg(target_os = "linux")]
    #[test]
    fn work_below_pages_runs_at_a_lower_priority_on_its_own_thread() {
        let serving = super::niceness();
        let (name, nice) = super::spawn_below_pages("below", 10, || {
            (
                std::thread::current().name().map(str::to_string),
                super::niceness(),
            )
        })
        .unwrap()
        .join()
        .unwrap();
        assert_eq!(name.as_deref(), Some("below"));
        assert_eq!(nice, (serving + 10).min(19));
        assert_eq!(
            super::niceness(),
            serving,
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
