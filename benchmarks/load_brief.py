"""Load check of the brief endpoint on loopback: N concurrent clients for a few seconds.

Starts ``marsad serve`` in a subprocess on a free 127.0.0.1 port over a store (a temporary
one holding the bundled sample stories unless --db is given), fetches one story's brief
once to warm the cache, then runs --clients threads (httpx, keep-alive) against
GET /api/v1/stories/{id}/brief for --seconds and prints requests/s, latency percentiles
and the error count.

    .venv/bin/python benchmarks/load_brief.py [--db marsad.db] [--clients 10] [--seconds 10]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sample_store(path: Path) -> None:
    from marsad.demo import sample_story_paths
    from marsad.ingest import read_paths
    from marsad.service import IngestSession
    from marsad.store import Store

    files = [p for paths in sample_story_paths().values() for p in paths]
    with Store(path) as store, IngestSession(store) as session:
        for item in read_paths(files):
            session.add(item)
        session.flush()
        session.rebuild_stories()


def wait_until_up(base: str, server: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"the server exited with status {server.returncode}")
        try:
            if (
                httpx.get(f"{base}/api/v1/stories?limit=1&stats=false", timeout=1).status_code
                == 200
            ):
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    sys.exit("the server did not start")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="an existing store (default: the samples)")
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--story", help="story id (default: the story with most reports)")
    args = parser.parse_args(argv)

    workdir = tempfile.mkdtemp(prefix="marsad-load-")
    db = args.db
    if db is None:
        db = Path(workdir) / "samples.db"
        sample_store(db)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    code = f"from marsad.api.serve import serve; serve('127.0.0.1', {port}, {str(db)!r}, False)"
    server = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.DEVNULL, env={**os.environ}
    )
    try:
        wait_until_up(base, server)
        story = args.story
        if story is None:
            items = httpx.get(f"{base}/api/v1/stories?limit=100&stats=false").json()["items"]
            if not items:
                sys.exit("the store has no stories")
            story = max(items, key=lambda s: len(s["documents"]))["id"]
        url = f"{base}/api/v1/stories/{story}/brief"
        started = time.perf_counter()
        first = httpx.get(url, timeout=120)
        cold = time.perf_counter() - started
        first.raise_for_status()
        size = len(first.content)

        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        stop_at = time.perf_counter() + args.seconds

        def client() -> None:
            mine: list[float] = []
            bad: list[str] = []
            with httpx.Client(timeout=30) as http:
                while time.perf_counter() < stop_at:
                    t0 = time.perf_counter()
                    try:
                        r = http.get(url)
                        if r.status_code != 200 or len(r.content) != size:
                            bad.append(f"HTTP {r.status_code}")
                    except httpx.HTTPError as e:
                        bad.append(type(e).__name__)
                    mine.append(time.perf_counter() - t0)
            with lock:
                latencies.extend(mine)
                errors.extend(bad)

        threads = [threading.Thread(target=client) for _ in range(args.clients)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - t0
    finally:
        server.terminate()
        server.wait(timeout=10)

    n = len(latencies)
    print(f"brief endpoint: GET /api/v1/stories/{story}/brief ({size / 1024:.0f} KB JSON)")
    print(f"cold (first request, computes the brief): {cold * 1000:.0f} ms")
    print(f"clients: {args.clients}, duration: {elapsed:.1f} s, requests: {n}")
    print(f"throughput: {n / elapsed:.0f} requests/s")
    print(
        "latency ms: p50 {:.1f}  p95 {:.1f}  p99 {:.1f}  max {:.1f}".format(
            *(1000 * percentile(latencies, q) for q in (0.5, 0.95, 0.99)), 1000 * max(latencies)
        )
    )
    print(f"errors: {len(errors)}" + (f" ({', '.join(sorted(set(errors)))})" if errors else ""))
    print(f"cpu cores: {os.cpu_count()} (client and server share them)")


if __name__ == "__main__":
    main()
