"""Fixtures for the analysis service tests: a real local HTTP server to download from."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    chunked: bool = False  # no Content-Length: the size is only known while streaming
    delay: float = 0.0


class MediaServer:
    """A threaded HTTP server with programmable routes; counts requests per path."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: dict[str, int] = {}
        self.posts: list[tuple[str, dict[str, str], bytes]] = []  # (path, headers, body)
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                server.posts.append((self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                self.do_GET()

            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                server.hits[path] = server.hits.get(path, 0) + 1
                route = server.routes.get(path, Route(404, b"not found"))
                if route.delay:
                    time.sleep(route.delay)
                self.send_response(route.status)
                for k, v in route.headers.items():
                    self.send_header(k, v)
                if route.chunked:
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    for i in range(0, len(route.body), 65536):
                        part = route.body[i : i + 65536]
                        self.wfile.write(f"{len(part):x}\r\n".encode() + part + b"\r\n")
                    self.wfile.write(b"0\r\n\r\n")
                else:
                    self.send_header("Content-Length", str(len(route.body)))
                    self.end_headers()
                    self.wfile.write(route.body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def add(self, path: str, **kwargs) -> str:
        self.routes[path] = Route(**kwargs)
        return self.url(path)


@pytest.fixture
def media_server() -> Iterator[MediaServer]:
    server = MediaServer()
    server.thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()


@pytest.fixture
def wait_for() -> Callable[..., None]:
    def _wait(check: Callable[[], bool], timeout: float = 30.0, step: float = 0.05) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if check():
                return
            time.sleep(step)
        raise AssertionError("condition not met in time")

    return _wait


@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    """A real S3-compatible server (moto in server mode) on a free local port."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{server._server.server_port}"
    finally:
        server.stop()


@pytest.fixture
def settled_worker(worker, settings, tmp_path):
    """The real worker, left idle at the end of the test: jobs that a test's jobs queue in turn
    (webhooks, Saler) must not still hold rows when the next test empties the tables."""
    yield worker
    from veritasad.core.queue import QUEUE_MEDIA, broker_folder, enqueue

    queue_dir = broker_folder(settings) / "queue"
    for round_no in range(6):
        # a barrier: the solo worker runs it only after whatever it holds now, on each queue
        marks = []
        for queue in ("default", QUEUE_MEDIA):
            mark = tmp_path / f"barrier-{round_no}-{queue}"
            mark.mkdir()
            enqueue("tests.slow_effect", str(mark), 0, queue=queue)
            marks.append(mark / "result")
        deadline = time.monotonic() + 120
        while not all(m.exists() for m in marks):
            if time.monotonic() > deadline:
                raise AssertionError("the worker did not settle")
            time.sleep(0.05)
        if not any(queue_dir.iterdir()):
            return
