//! Each request's background work runs inside the request itself.
//!
//! Leptos spawns a page's effects and resource loads as tasks of their own. On the
//! multi-threaded runtime they ran on any worker thread, so a `Suspense`'s check could walk the
//! page on one thread while another finished the page and disposed of it; the walk then found
//! its contexts gone and panicked ("outside a <Router>", "already disposed"). Here the tasks a
//! request spawns are kept with the request and polled only when it is, so they never run beside
//! the page's own rendering or disposal. What is left once the page is disposed of (its effects
//! see that and end) goes to the runtime, so no database call is cut off halfway.
//!
//! A page whose browser leaves mid-stream is rendered to its end all the same, within
//! [`FINISH_LEFT_PAGE`], so that it is disposed of the way a finished page is.

use any_spawner::{CustomExecutor, Executor, PinnedFuture, PinnedLocalFuture};
use axum::body::Body;
use axum::extract::Request;
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use futures_util::stream::FuturesUnordered;
use futures_util::{Stream, StreamExt};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

/// How long a page left mid-stream may go on rendering with no one to read it.
pub const FINISH_LEFT_PAGE: Duration = Duration::from_secs(30);

tokio::task_local! {
    /// The tasks spawned while the current request is being polled.
    static SPAWNED: Spawned;
}

type Task = PinnedFuture<()>;

/// Tasks spawned by a request, waiting to join its running ones.
#[derive(Clone, Default)]
struct Spawned(Arc<Mutex<Vec<Task>>>);

impl Spawned {
    fn take(&self) -> Vec<Task> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|e| e.into_inner()))
    }

    fn is_empty(&self) -> bool {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).is_empty()
    }
}

/// Leptos's executor: a task spawned while a request is polled stays with that request;
/// any other goes to the runtime, as with Leptos's own tokio executor.
struct RequestExecutor;

impl CustomExecutor for RequestExecutor {
    fn spawn(&self, task: Task) {
        let mut task = Some(task);
        let kept = SPAWNED.try_with(|spawned| {
            if let Some(task) = task.take() {
                spawned
                    .0
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(task);
            }
        });
        if let (Err(_), Some(task)) = (kept, task) {
            tokio::spawn(task);
        }
    }

    fn spawn_local(&self, task: PinnedLocalFuture<()>) {
        tokio::task::spawn_local(task);
    }

    fn poll_local(&self) {}
}

/// Makes [`RequestExecutor`] Leptos's executor. Called before any page renders; a second call
/// (tests build one router per site) changes nothing.
pub fn init() {
    let _ = Executor::init_custom_executor(RequestExecutor);
}

/// A request's tasks: those running, and those spawned since they were last polled.
#[derive(Default)]
struct Tasks {
    spawned: Spawned,
    running: FuturesUnordered<Task>,
}

impl Tasks {
    /// Polls the request's tasks and then `poll` (the request's own work), with new tasks kept
    /// here, until `poll` is ready or nothing more can run.
    fn poll_with<T>(
        &mut self,
        cx: &mut Context<'_>,
        mut poll: impl FnMut(&mut Context<'_>) -> Poll<T>,
    ) -> Poll<T> {
        let Tasks { spawned, running } = self;
        SPAWNED.sync_scope(spawned.clone(), || loop {
            running.extend(spawned.take());
            while let Poll::Ready(Some(())) = running.poll_next_unpin(cx) {}
            if let Poll::Ready(out) = poll(cx) {
                return Poll::Ready(out);
            }
            if spawned.is_empty() {
                return Poll::Pending;
            }
        })
    }
}

impl Drop for Tasks {
    /// Hands the tasks left over to the runtime (none is left to hand them to once it has
    /// shut down: they are dropped).
    fn drop(&mut self) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let running = std::mem::take(&mut self.running);
        for task in running.into_iter().chain(self.spawned.take()) {
            runtime.spawn(task);
        }
    }
}

/// The layer: runs the request with its tasks. A page's body keeps them until it is done.
pub async fn keep_with_request(request: Request, next: Next) -> Response {
    let mut tasks = Tasks::default();
    let mut handler = std::pin::pin!(next.run(request));
    let response =
        std::future::poll_fn(|cx| tasks.poll_with(cx, |cx| handler.as_mut().poll(cx))).await;
    let is_page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !is_page {
        return response;
    }
    let (parts, body) = response.into_parts();
    let body = PageBody {
        page: Some((body.into_data_stream(), tasks)),
        finish_if_left: Some(FINISH_LEFT_PAGE),
    };
    Response::from_parts(parts, Body::from_stream(body))
}

/// A page's body, polled with the page's tasks.
struct PageBody<S: Stream + Send + Unpin + 'static> {
    /// The page's stream and its tasks, until the page ends.
    page: Option<(S, Tasks)>,
    /// Given while a browser reads the page: the time left to finish it once it leaves.
    finish_if_left: Option<Duration>,
}

impl<S: Stream + Send + Unpin + 'static> Stream for PageBody<S> {
    type Item = S::Item;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        let Some((stream, tasks)) = self.page.as_mut() else {
            return Poll::Ready(None);
        };
        let next = tasks.poll_with(cx, |cx| stream.poll_next_unpin(cx));
        if let Poll::Ready(None) = next {
            // Finished and disposed of: what the page left goes to the runtime.
            self.page = None;
        }
        next
    }
}

impl<S: Stream + Send + Unpin + 'static> Drop for PageBody<S> {
    fn drop(&mut self) {
        let Some((body, tasks)) = self.page.take() else {
            return;
        };
        if let (Some(limit), Ok(runtime)) = (
            self.finish_if_left.take(),
            tokio::runtime::Handle::try_current(),
        ) {
            let mut rest = PageBody {
                page: Some((body, tasks)),
                finish_if_left: None,
            };
            runtime.spawn(async move {
                let finish = async { while rest.next().await.is_some() {} };
                if tokio::time::timeout(limit, finish).await.is_err() {
                    tracing::warn!("a page left mid-stream did not finish rendering in time");
                }
            });
            return;
        }
        // Out of time: disposed of here, with anything its disposal spawns kept, and only then
        // are its tasks handed over.
        SPAWNED.sync_scope(tasks.spawned.clone(), || drop(body));
        drop(tasks);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::get;
    use axum::Router;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use tokio::sync::oneshot;
    use tower::ServiceExt;

    /// What the test sees of the task its handler spawned.
    #[derive(Clone, Default)]
    struct Probe {
        /// 1 once it has started, 2 once it has finished.
        runs: Arc<AtomicUsize>,
        /// Whether it started in the request's own task.
        in_request: Arc<AtomicBool>,
        /// Finishes it; fails if the task was dropped.
        stop: Arc<Mutex<Option<oneshot::Sender<()>>>>,
    }

    impl Probe {
        fn spawn(&self) {
            let (stop, stopped) = oneshot::channel::<()>();
            *self.stop.lock().unwrap() = Some(stop);
            let (runs, in_request) = (Arc::clone(&self.runs), Arc::clone(&self.in_request));
            let spawner = tokio::task::try_id();
            Executor::spawn(async move {
                in_request.store(tokio::task::try_id() == spawner, Ordering::SeqCst);
                runs.fetch_add(1, Ordering::SeqCst);
                let _ = stopped.await;
                runs.fetch_add(1, Ordering::SeqCst);
            });
        }

        fn runs(&self) -> usize {
            self.runs.load(Ordering::SeqCst)
        }

        /// Whether the task was still there to be finished.
        fn stop(&self) -> bool {
            let stop = self.stop.lock().unwrap().take().unwrap();
            stop.send(()).is_ok()
        }

        async fn wait_for(&self, runs: usize) {
            tokio::time::timeout(Duration::from_secs(5), async {
                while self.runs() < runs {
                    tokio::task::yield_now().await;
                }
            })
            .await
            .expect("the task runs");
        }
    }

    /// A response of two chunks. Its handler spawns the probe's task and waits for it to start;
    /// the second chunk waits for the returned sender and then sets `ended`.
    async fn respond(
        probe: &Probe,
        content_type: &'static str,
        ended: &Arc<AtomicBool>,
    ) -> (Response, oneshot::Sender<()>) {
        let (release, released) = oneshot::channel::<()>();
        let released = Arc::new(Mutex::new(Some(released)));
        let handler = {
            let (probe, ended) = (probe.clone(), Arc::clone(ended));
            move || async move {
                probe.spawn();
                probe.wait_for(1).await;
                let released = released.lock().unwrap().take().unwrap();
                let chunks = futures_util::stream::iter(["<html>"])
                    .chain(futures_util::stream::once(async move {
                        let _ = released.await;
                        ended.store(true, Ordering::SeqCst);
                        "</html>"
                    }))
                    .map(Ok::<_, std::io::Error>);
                (
                    [(header::CONTENT_TYPE, content_type)],
                    Body::from_stream(chunks),
                )
            }
        };
        init();
        let response = Router::new()
            .route("/", get(handler))
            .layer(axum::middleware::from_fn(keep_with_request))
            .oneshot(Request::get("/").body(Body::empty()).unwrap())
            .await
            .unwrap();
        (response, release)
    }

    async fn first_chunk(
        response: Response,
    ) -> impl Stream<Item = Result<axum::body::Bytes, axum::Error>> {
        let mut body = response.into_body().into_data_stream();
        assert_eq!(body.next().await.unwrap().unwrap(), "<html>");
        body
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_pages_tasks_run_in_its_own_task_and_outlive_it_on_the_runtime() {
        let (probe, ended) = (Probe::default(), Arc::default());
        let (response, release) = respond(&probe, "text/html; charset=utf-8", &ended).await;
        assert!(probe.in_request.load(Ordering::SeqCst));
        let rest = first_chunk(response).await;
        release.send(()).unwrap();
        assert_eq!(rest.collect::<Vec<_>>().await.len(), 1);
        assert!(probe.stop(), "the task is handed over, not dropped");
        probe.wait_for(2).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_page_left_mid_stream_is_rendered_to_its_end() {
        let (probe, ended) = (Probe::default(), Arc::<AtomicBool>::default());
        let (response, release) = respond(&probe, "text/html; charset=utf-8", &ended).await;
        drop(first_chunk(response).await);
        release.send(()).expect("the page is still rendering");
        tokio::time::timeout(Duration::from_secs(5), async {
            while !ended.load(Ordering::SeqCst) {
                tokio::task::yield_now().await;
            }
        })
        .await
        .expect("the page reaches its end");
        assert!(probe.stop());
        probe.wait_for(2).await;
    }

    #[tokio::test]
    async fn a_left_page_renders_on_for_its_time_limit_only() {
        let (mut release, released) = oneshot::channel::<()>();
        let chunks = futures_util::stream::iter(["<html>"])
            .chain(futures_util::stream::once(async move {
                let _ = released.await;
                "</html>"
            }))
            .map(Ok::<_, std::io::Error>);
        let limit = Duration::from_millis(100);
        let page = PageBody {
            page: Some((
                Body::from_stream(chunks).into_data_stream(),
                Tasks::default(),
            )),
            finish_if_left: Some(limit),
        };
        let started = tokio::time::Instant::now();
        drop(first_chunk(Response::new(Body::from_stream(page))).await);
        tokio::time::timeout(Duration::from_secs(5), release.closed())
            .await
            .expect("the page is dropped");
        assert!(started.elapsed() >= limit);
    }

    #[tokio::test]
    async fn other_responses_hand_their_tasks_to_the_runtime() {
        let (probe, ended) = (Probe::default(), Arc::default());
        let (response, release) = respond(&probe, "application/json", &ended).await;
        assert!(probe.in_request.load(Ordering::SeqCst));
        let rest = first_chunk(response).await;
        assert!(probe.stop(), "the task outlives the handler");
        probe.wait_for(2).await;
        release.send(()).unwrap();
        rest.collect::<Vec<_>>().await;
    }

    #[tokio::test]
    async fn tasks_spawned_outside_a_request_go_to_the_runtime() {
        init();
        let probe = Probe::default();
        probe.spawn();
        assert!(!probe.in_request.load(Ordering::SeqCst));
        assert!(probe.stop());
        probe.wait_for(2).await;
    }
}
