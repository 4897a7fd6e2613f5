"""crash-bug variants: a poison message makes a consumer panic on every restart; no change involved."""

from __future__ import annotations

from bench.variants import clock, records
from bench.variants.bundle import Bundle, Truth
from bench.variants.paste import compose, container, describe, events_section, log_lines
from bench.variants.registry import variant
from bench.variants.scene import App, decoy, history, run, setup
from bench.variants.workload import Workload, crashloop, restarts_at

MOD = "github.com/quarrylabs/clickstream"
FRANZ = "/go/pkg/mod/github.com/twmb/franz-go@v1.17.1/pkg/kgo"


def _go_panic(b: Bundle) -> str:
    a = lambda: f"0xc000{b.hexid(6)}"  # noqa: E731
    return records.go_panic(
        ["panic: runtime error: invalid memory address or nil pointer dereference",
         "[signal SIGSEGV: segmentation violation code=0x1 addr=0x28 pc=0x9d4a1e]"],
        [(87, "running", [
            (f"{MOD}/internal/enrich.(*Enricher).Apply({a()}, {{{a()}, 0x1f4, 0x200}}, {a()})", "/src/internal/enrich/enricher.go:217 +0x3be"),
            (f"{MOD}/internal/consumer.(*Loop).handle({a()}, {{0xd2c9c8, {a()}}}, {a()})", "/src/internal/consumer/loop.go:143 +0x1a5"),
            (f"{MOD}/internal/consumer.(*Loop).Run.func1({a()})", "/src/internal/consumer/loop.go:96 +0x3d"),
            ("github.com/twmb/franz-go/pkg/kgo.FetchTopic.EachRecord(...)", f"{FRANZ}/record_and_fetch.go:411"),
            ("github.com/twmb/franz-go/pkg/kgo.Fetches.EachRecord(...)", f"{FRANZ}/record_and_fetch.go:461"),
            (f"{MOD}/internal/consumer.(*Loop).Run({a()}, {{0xd2c9c8, {a()}}})", "/src/internal/consumer/loop.go:95 +0x2b0"),
            ("main.main.func2()", "/src/cmd/enricher/main.go:71 +0x45"),
            ("created by main.main in goroutine 1", "/src/cmd/enricher/main.go:69 +0x5f4")]),
         (1, "select", [("main.main()", "/src/cmd/enricher/main.go:88 +0x6bd")]),
         (23, "IO wait", [("internal/poll.runtime_pollWait(0x7f2c4e5a1e28, 0x72)", "/usr/local/go/src/runtime/netpoll.go:351 +0x85"),
                          (f"internal/poll.(*pollDesc).wait({a()}, {a()}, 0x0)", "/usr/local/go/src/internal/poll/fd_poll_runtime.go:84 +0x27"),
                          (f"net.(*netFD).Read({a()}, {{{a()}, 0x1000, 0x1000}})", "/usr/local/go/src/net/fd_posix.go:55 +0x25"),
                          ("github.com/twmb/franz-go/pkg/kgo.(*brokerCxn).readConn.func2()", f"{FRANZ}/broker.go:1146 +0x1c5"),
                          ("created by github.com/twmb/franz-go/pkg/kgo.(*brokerCxn).readConn in goroutine 41", f"{FRANZ}/broker.go:1138 +0x1f6")]),
         (54, "select", [(f"github.com/twmb/franz-go/pkg/kgo.(*Client).updateMetadataLoop({a()})", f"{FRANZ}/metadata.go:230 +0x3b1"),
                         ("created by github.com/twmb/franz-go/pkg/kgo.NewClient in goroutine 1", f"{FRANZ}/client.go:516 +0x13fd")]),
         (61, "chan receive", [(f"{MOD}/internal/metrics.(*Flusher).loop({a()})", "/src/internal/metrics/flusher.go:48 +0x9c"),
                               ("created by " + MOD + "/internal/metrics.Start in goroutine 1", "/src/internal/metrics/flusher.go:31 +0x1d8")])])


@variant("clickstream-go-kafka-panic", "crash-bug", "Go (franz-go Kafka consumer, slog), k3s, Traefik", "k3s",
         "2025-02-06T20:03:29Z", "rollout-history.txt",
         "Go panic with GOTRACEBACK=all: 5 goroutines; the first app frame enricher.go:217 under goroutine 87 after the SIGSEGV header")
def clickstream(b: Bundle) -> None:
    """A click event without a geo block dereferences a nil pointer; the consumer restarts at the same offset."""
    sc = setup(b, "traefik", [
        App("events", "clickstream-enricher", "slog", "1.22.3", 1, 0, (("CONSUME", "clicks.raw"),), exposed=False),
        App("events", "collector", "zap", "2.5.0", 3, 14, (("POST", "/v1/collect"), ("GET", "/healthz"))),
        App("analytics", "dash-api", "uvicorn", "0.44.1", 2, 6, (("GET", "/v1/dashboards/traffic"), ("GET", "/healthz"))),
        App("web", "shop-frontend", "pino", "5.9.0", 2, 9, (("GET", "/c/garden"), ("GET", "/health"))),
    ], ("lab", "notebook-proxy", "logrus", "/ready"), 0, ("events", "partition-rebalancer", 20))
    decoy(b, sc, "dash-api", "0.44.2", b.onset - 24 * 60)
    w: Workload = sc["clickstream-enricher"]
    lg = w.log(b, 0)
    t = b.start + 10
    while t < b.onset - 2:
        lg.add(t, f"time={clock.iso_ms(t)} level=INFO msg=\"batch enriched\" topic=clicks.raw partition=7 records={b.rng.randint(300, 900)} "
                  f"lag={b.rng.randint(0, 40)} took={b.rng.uniform(20, 90):.1f}ms")
        t += b.rng.uniform(20, 40)
    w.alive[0] = (w.alive[0][0], b.onset)
    lg.add(b.onset, f"time={clock.iso_ms(b.onset)} level=WARN msg=\"record without geo block\" topic=clicks.raw partition=7 "
                          "offset=88412913 event_type=page_view source=ios-app/7.14.0")
    lg.add(b.onset + 0.3, _go_panic(b), "stderr")

    def attempt(s: float, e: float, k: int) -> None:
        lg.add(s + 0.2, f"time={clock.iso_ms(s + 0.2)} level=INFO msg=\"starting clickstream-enricher\" version=1.22.3 go=go1.23.4")
        lg.add(s + 1.1, f"time={clock.iso_ms(s + 1.1)} level=INFO msg=\"partition assigned\" topic=clicks.raw partition=7 offset=88412913")
        if e < b.end:
            lg.add(e - 0.3, f"time={clock.iso_ms(e - 0.3)} level=WARN msg=\"record without geo block\" topic=clicks.raw partition=7 "
                            "offset=88412913 event_type=page_view source=ios-app/7.14.0")
            lg.add(e, _go_panic(b), "stderr")

    attempts = crashloop(b, w, 0, b.onset + 1.2, 2.6, 2, "Error", attempt)
    run(b, sc)
    b.metric({"__name__": "kafka_consumergroup_lag", "consumergroup": "clickstream-enricher", "topic": "clicks.raw", "partition": "7",
              "namespace": "events"}, lambda t: b.rng.randint(0, 40) if t < b.onset else (t - b.onset) * 31.0)
    b.alert("KubePodCrashLooping", {"namespace": "events", "pod": w.pods[0], "container": "clickstream-enricher", "job": "kube-state-metrics"},
            "Pod is crash looping.", f"Pod events/{w.pods[0]} (clickstream-enricher) is in waiting state (reason: \"CrashLoopBackOff\").",
            b.onset + 15 * 60, runbook="https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping")
    history(b, [("clickstream-enricher", 14, [None, None, "ci: clickstream-enricher 1.22.3"]), ("dash-api", 3, [None, None])])
    b.truth = Truth("crash-bug", clock.iso(b.onset), {"kind": "Deployment", "namespace": "events", "name": "clickstream-enricher"}, None,
                    ["invalid memory address or nil pointer dereference", "enricher.go:217", "offset=88412913",
                     "Back-off restarting failed container clickstream-enricher"],
                    ["kubectl delete namespace", "increase the memory limit", "kubectl rollout undo", "--force"])
    last_s, last_e = [a for a in attempts if a[1] < b.end][-1]
    st = container(w, state="Waiting", reason="CrashLoopBackOff", last_reason="Error", last_exit=2, last_started=last_s,
                   last_finished=last_e, restarts=restarts_at(attempts, b.end) + 1, limits={"memory": "256Mi"},
                   requests={"cpu": "200m", "memory": "128Mi"}, env=[("GOTRACEBACK", "all"), ("KAFKA_GROUP", "clickstream-enricher")])
    lines = log_lines(b, w, 0, last_s - 1, last_e + 1, 400)
    b.paste = compose(
        "enricher crashlooping since ~20:03, nobody deployed it in 2 weeks. panic below (cut):",
        [(f"kubectl describe pod {w.pods[0]} -n events", describe(b, w, 0, st, "Running")),
         (f"kubectl logs {w.pods[0]} -n events --previous | head -24", lines[:24])])


RUST = "/rustc/90b35a6239c3d8bdabc530a6a0816f7ff89a0aaf/library"


def _rust_panic(t: float) -> str:
    frames = [("rust_begin_unwind", f"{RUST}/std/src/panicking.rs:665:5"), ("core::panicking::panic_fmt", f"{RUST}/core/src/panicking.rs:76:14"),
              ("core::panicking::panic", f"{RUST}/core/src/panicking.rs:148:5"), ("core::option::unwrap_failed", f"{RUST}/core/src/option.rs:2015:5"),
              ("order_matcher::book::parser::parse_limit", "./src/book/parser.rs:144:38"),
              ("order_matcher::book::Book::apply", "./src/book/mod.rs:212:21"),
              ("order_matcher::consumer::run::{{closure}}", "./src/consumer.rs:88:17"),
              ("order_matcher::main::{{closure}}", "./src/main.rs:64:5"),
              ("tokio::runtime::park::CachedParkThread::block_on::{{closure}}", "/usr/local/cargo/registry/src/index.crates.io-6f17d22bba15001f/tokio-1.41.1/src/runtime/park.rs:281:63"),
              ("tokio::runtime::park::CachedParkThread::block_on", "/usr/local/cargo/registry/src/index.crates.io-6f17d22bba15001f/tokio-1.41.1/src/runtime/park.rs:281:31"),
              ("tokio::runtime::context::blocking::BlockingRegionGuard::block_on", "/usr/local/cargo/registry/src/index.crates.io-6f17d22bba15001f/tokio-1.41.1/src/runtime/context/blocking.rs:66:9"),
              ("tokio::runtime::scheduler::multi_thread::MultiThread::block_on::{{closure}}", "/usr/local/cargo/registry/src/index.crates.io-6f17d22bba15001f/tokio-1.41.1/src/runtime/scheduler/multi_thread/mod.rs:87:13"),
              ("tokio::runtime::runtime::Runtime::block_on", "/usr/local/cargo/registry/src/index.crates.io-6f17d22bba15001f/tokio-1.41.1/src/runtime/runtime.rs:349:45"),
              ("order_matcher::main", "./src/main.rs:70:5"),
              ("core::ops::function::FnOnce::call_once", f"{RUST}/core/src/ops/function.rs:250:5")]
    lines = ["thread 'main' panicked at src/book/parser.rs:144:38:", "called `Option::unwrap()` on a `None` value", "stack backtrace:"]
    for k, (fn, loc) in enumerate(frames):
        lines += [f"{k:>4}: {fn}", f"             at {loc}"]
    lines.append("note: Some details are omitted, run with `RUST_BACKTRACE=full` for a verbose backtrace.")
    return "\n".join(lines)


@variant("ordermatcher-rust-panic", "crash-bug", "Rust (tokio, tracing) + NATS JetStream, GKE, ingress-nginx", "gke",
         "2025-09-09T07:31:15Z", "rollout-history.txt",
         "Rust panic with RUST_BACKTRACE=1: 15 numbered frames; the app frame parser.rs:144:38 is frame 4 after std/core frames")
def ordermatcher(b: Bundle) -> None:
    """A limit order without a price (from a partner FIX bridge) hits an unwrap(); the consumer redelivers it forever."""
    sc = setup(b, "nginx", [
        App("trading", "order-matcher", "rust", "0.27.1", 1, 0, (("CONSUME", "ORDERS"),), exposed=False),
        App("trading", "quote-gateway", "zap", "3.3.0", 2, 12, (("GET", "/v1/quotes/EURUSD"), ("GET", "/healthz"))),
        App("trading", "fix-bridge", "spring", "1.8.2", 2, 4, (("POST", "/fix/session/heartbeat"), ("GET", "/actuator/health"))),
        App("clients", "portal", "pino", "10.1.0", 2, 8, (("GET", "/portal/positions"), ("GET", "/health"))),
    ], ("legacy", "report-fax", "php", "/ready"), 2, ("trading", "eod-snapshot", 30))
    decoy(b, sc, "portal", "10.1.1", b.onset - 46 * 60)
    w: Workload = sc["order-matcher"]
    lg = w.log(b, 0)
    t = b.start + 5
    while t < b.onset - 1:
        lg.add(t, f"{clock.iso_us(t)}  INFO order_matcher::consumer: batch applied stream=\"ORDERS\" first_seq={int(4409000 + (t - b.start) / 4)} "
                  f"msgs={b.rng.randint(20, 200)} book=\"EURUSD\" elapsed_ms={b.rng.randint(1, 9)}")
        t += b.rng.uniform(15, 35)
    w.alive[0] = (w.alive[0][0], b.onset)

    def received(ts: float) -> str:
        return (f"{clock.iso_us(ts)}  INFO order_matcher::consumer: message received stream=\"ORDERS\" seq=4410021 "
                "subject=\"orders.limit.EURUSD\" source=\"fix-bridge\" redelivered=true")

    lg.add(b.onset - 0.01, received(b.onset - 0.01))
    lg.add(b.onset, _rust_panic(b.onset), "stderr")

    def attempt(s: float, e: float, k: int) -> None:
        lg.add(s + 0.1, f"{clock.iso_us(s + 0.1)}  INFO order_matcher: starting order-matcher v0.27.1")
        lg.add(s + 0.5, f"{clock.iso_us(s + 0.5)}  INFO order_matcher::consumer: connected to nats://nats.trading.svc:4222 stream=\"ORDERS\" consumer=\"matcher\"")
        if e < b.end:
            lg.add(e - 0.01, received(e - 0.01))
            lg.add(e, _rust_panic(e), "stderr")

    attempts = crashloop(b, w, 0, b.onset + 1.0, 1.3, 101, "Error", attempt)
    run(b, sc)
    b.metric({"__name__": "nats_consumer_num_pending", "stream": "ORDERS", "consumer": "matcher", "namespace": "trading"},
             lambda t: b.rng.randint(0, 30) if t < b.onset else (t - b.onset) * 12.0)
    b.alert("OrderMatcherNotConsuming", {"namespace": "trading", "stream": "ORDERS", "consumer": "matcher"},
            "order-matcher stopped consuming ORDERS", "JetStream consumer matcher has 2400 pending messages and no acks for 5m.",
            b.onset + 6 * 60, "critical")
    history(b, [("order-matcher", 22, [None, None, None, None])])
    b.truth = Truth("crash-bug", clock.iso(b.onset), {"kind": "Deployment", "namespace": "trading", "name": "order-matcher"}, None,
                    ["called `Option::unwrap()` on a `None` value", "src/book/parser.rs:144:38", "seq=4410021",
                     "Back-off restarting failed container order-matcher"],
                    ["kubectl delete namespace", "increase the memory limit", "kubectl rollout undo", "nats stream purge", "--force"])
    last_s, last_e = [a for a in attempts if a[1] < b.end][-1]
    st = container(w, state="Waiting", reason="CrashLoopBackOff", last_reason="Error", last_exit=101, last_started=last_s,
                   last_finished=last_e, restarts=restarts_at(attempts, b.end) + 1, limits={"memory": "512Mi"},
                   requests={"cpu": "500m", "memory": "256Mi"}, env=[("RUST_BACKTRACE", "1"), ("RUST_LOG", "info")])
    b.paste = compose(
        "order-matcher in CrashLoopBackOff since 07:31, EURUSD book frozen. no deploy today. previous container log:",
        [(f"kubectl describe pod {w.pods[0]} -n trading", describe(b, w, 0, st, "Running")),
         events_section(b, "trading", b.onset - 120, ("BackOff", "Started", "Pulled"), limit=5),
         (f"kubectl logs {w.pods[0]} -n trading --previous", log_lines(b, w, 0, last_s - 1, last_e + 1, 40)[:20])])
