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

#[cfg(test)]
mod tests {
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
