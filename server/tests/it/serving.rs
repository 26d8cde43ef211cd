//! The server as browsers reach it: over real TCP connections.

use crate::common::*;

/// A page streamed on a kept-alive connection comes without waiting on the client's delayed
/// ACK (Nagle's algorithm would hold each write after the first for about 40 ms).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_on_a_kept_alive_connection_come_without_a_40_ms_stall() {
    let site = sites(false).await.remove(0);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(server::routes::serve_on(
        listener,
        site.state.clone(),
        async move {
            let _ = stopped.await;
        },
    ));
    // One connection, kept alive between requests.
    let client = http_client();
    let url = format!("http://{address}/login");
    let mut times = Vec::new();
    for _ in 0..11 {
        let started = std::time::Instant::now();
        let response = client.get(&url).send().await.unwrap();
        assert!(response.status().is_success());
        let page = response.text().await.unwrap();
        times.push(started.elapsed());
        assert!(page.contains("Log In"));
    }
    // The first request opened the connection; the others reused it.
    let mut kept_alive = times[1..].to_vec();
    kept_alive.sort();
    let median = kept_alive[kept_alive.len() / 2];
    assert!(
        median < std::time::Duration::from_millis(20),
        "median {median:?} of {kept_alive:?}"
    );
    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
}
