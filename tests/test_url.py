"""Ingesting http:// URLs from a real local server running in a thread."""
from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

import bilat
from bilat import ReadOptions

CORPUS = Path(__file__).resolve().parent.parent / "examples" / "corpus"
PDFS = sorted(CORPUS.glob("*.pdf"))

SLEEP_SECONDS = 2.0
TIMEOUT = 0.5
MAX_BYTES = 10_000

ARTICLE_HTML = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Coast guard cutter handed over in Hai Phong | Harbor Review</title>
  <meta property="og:type" content="article">
  <meta property="og:title" content="Coast guard cutter handed over in Hai Phong">
  <meta property="og:site_name" content="Harbor Review">
  <meta property="article:published_time" content="2021-09-14T08:00:00+07:00">
  <meta name="author" content="Dao Thu Ha">
</head>
<body>
  <header>
    <nav class="site-nav"><ul>
      <li><a href="/">Home</a></li><li><a href="/asia">Asia</a></li>
      <li><a href="/defense">Defense</a></li><li><a href="/subscribe">Subscribe to our newsletter</a></li>
    </ul></nav>
  </header>
  <main>
    <article>
      <h1>Coast guard cutter handed over in Hai Phong</h1>
      <div class="share">
        <a href="https://facebook.com/share">Share on Facebook</a>
        <a href="https://twitter.com/share">Share on X</a>
        <a href="mailto:?body=x">Email</a>
      </div>
      <p>A decommissioned Hamilton-class cutter was formally transferred to the Vietnam Coast Guard
      at a ceremony in Hai Phong on Tuesday, officials from both countries said.</p>
      <p>The ship, the third of its class handed over under the Excess Defense Articles program,
      will patrol waters off the central coast and support search-and-rescue missions.</p>
      <p>Its crew of about 120 sailors completed four months of training in Alameda, California,
      before sailing the vessel across the Pacific Ocean with an escort.</p>
      <p>Officials said the transfer reflected a decade of growing maritime cooperation between
      the two navies, including joint exercises and port calls.</p>
    </article>
    <aside class="related"><h3>Related articles</h3><ul>
      <li><a href="/a">Carrier visits Da Nang for the second time</a></li>
      <li><a href="/b">Dioxin cleanup at Bien Hoa enters a new phase</a></li>
    </ul></aside>
  </main>
  <footer>
    <p>&copy; 2021 Harbor Review Media Group. All rights reserved.</p>
    <p><a href="/privacy">Privacy policy</a> | <a href="/terms">Terms of use</a></p>
  </footer>
</body>
</html>
"""

PLAIN_TEXT = (
    "Notes from the defense dialogue in Hanoi\n\n"
    "Delegates discussed maritime domain awareness, war legacy programs and the training of "
    "peacekeepers. Both sides agreed to meet again in Washington next year.\n"
)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, *args):  # keep test output quiet
        pass

    def _send(self, status: int, body: bytes, content_type: str, length: bool = True) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_GET(self):  # noqa: N802 (http.server naming)
        path = self.path
        if path == "/news/cutter-handover":
            self._send(200, ARTICLE_HTML.encode("utf-8"), "text/html; charset=utf-8")
        elif path == "/notes.txt":
            self._send(200, PLAIN_TEXT.encode("utf-8"), "text/plain; charset=utf-8")
        elif path == "/download/brief" and PDFS:
            self._send(200, PDFS[0].read_bytes(), "application/pdf")
        elif path == "/slow":
            stop = self.server.stopping  # type: ignore[attr-defined]
            stop.wait(SLEEP_SECONDS)
            self._send(200, PLAIN_TEXT.encode("utf-8"), "text/plain")
        elif path == "/big":
            self._send(200, b"A sentence about naval cooperation.\n" * 1000, "text/plain")
        elif path == "/big-unsized":
            # No Content-Length: the size cap must hold while reading the body.
            self._send(200, b"A sentence about naval cooperation.\n" * 1000, "text/plain", length=False)
        else:
            self._send(404, b"<html><body><h1>Not Found</h1></body></html>", "text/html")


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.stopping = threading.Event()
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        yield base
    finally:
        httpd.stopping.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "url.db")


def ingest_ok(url: str, db: str, options: ReadOptions = ReadOptions(timeout=5)) -> bilat.IngestItem:
    report = bilat.ingest([url], db=db, options=options)
    assert len(report.items) == 1
    item = report.items[0]
    assert item.status == "new", item
    return item


def ingest_failed(url: str, db: str, options: ReadOptions) -> str:
    report = bilat.ingest([url], db=db, options=options)
    assert [i.status for i in report.items] == ["failed"], report
    item = report.items[0]
    assert item.source == url
    assert item.reason and "\n" not in item.reason
    with bilat.open_store(db) as store:
        assert store.documents() == []
    return item.reason


# -- the article -------------------------------------------------------------------

def test_article_metadata_from_meta_tags(server, db):
    url = f"{server}/news/cutter-handover"
    item = ingest_ok(url, db)
    with bilat.open_store(db) as store:
        doc = store.document(item.document_id)
    assert doc["title"] == "Coast guard cutter handed over in Hai Phong"
    assert doc["publisher"] == "Harbor Review"
    assert doc["published"] == "2021-09-14"
    assert doc["format"] == "html"


def test_article_text_has_no_boilerplate(server, db):
    url = f"{server}/news/cutter-handover"
    item = ingest_ok(url, db)
    with bilat.open_store(db) as store:
        text = store.document(item.document_id)["text"]
    assert "formally transferred to the Vietnam Coast Guard" in text
    assert "before sailing the vessel across the Pacific Ocean" in text
    assert "growing maritime cooperation" in text
    for furniture in ("Subscribe to our newsletter", "Share on Facebook", "Share on X", "©",
                      "All rights reserved", "Privacy policy", "Related articles",
                      "Carrier visits Da Nang for the second time"):
        assert furniture not in text, furniture


def test_document_name_is_the_url(server, db):
    url = f"{server}/news/cutter-handover"
    ingest_ok(url, db)
    with bilat.open_store(db) as store:
        rows = store.documents()
        assert [r["name"] for r in rows] == [url]
        assert rows[0]["location"] == url
        assert store.document(url)["id"] == rows[0]["id"]  # the URL works as a reference


def test_same_url_twice_is_unchanged(server, db):
    url = f"{server}/news/cutter-handover"
    first = ingest_ok(url, db)
    with bilat.open_store(db) as store:
        stats_before = store.stats()
    second = bilat.ingest([url], db=db, options=ReadOptions(timeout=5))
    assert [i.status for i in second.items] == ["unchanged"]
    assert second.items[0].document_id == first.document_id
    with bilat.open_store(db) as store:
        assert store.stats() == stats_before


# -- other content types ------------------------------------------------------------

def test_plain_text_url(server, db):
    url = f"{server}/notes.txt"
    item = ingest_ok(url, db)
    with bilat.open_store(db) as store:
        doc = store.document(item.document_id)
        assert [r["name"] for r in store.documents()] == [url]
    assert doc["format"] == "text"
    assert "maritime domain awareness" in doc["text"]
    assert doc["title"] == "Notes from the defense dialogue in Hanoi"
    again = bilat.ingest([url], db=db, options=ReadOptions(timeout=5))
    assert [i.status for i in again.items] == ["unchanged"]


@pytest.mark.skipif(not PDFS, reason="no PDF in examples/corpus")
def test_pdf_url_detected_by_content_type(server, db):
    from pypdf import PdfReader

    url = f"{server}/download/brief"
    item = ingest_ok(url, db)
    with bilat.open_store(db) as store:
        doc = store.document(item.document_id)
    assert doc["format"] == "pdf"
    first_words = " ".join((PdfReader(str(PDFS[0])).pages[0].extract_text() or "").split()[:4])
    assert first_words and first_words in " ".join(doc["text"].split())


# -- failures ----------------------------------------------------------------------

def test_404_fails_with_status(server, db):
    reason = ingest_failed(f"{server}/no/such/page", db, ReadOptions(timeout=5))
    assert "404" in reason


def test_timeout_fails_quickly(server, db):
    started = time.monotonic()
    reason = ingest_failed(f"{server}/slow", db, ReadOptions(timeout=TIMEOUT))
    elapsed = time.monotonic() - started
    assert "timed out" in reason
    assert elapsed < SLEEP_SECONDS, f"waited {elapsed:.1f} s despite a {TIMEOUT} s timeout"


@pytest.mark.parametrize("path", ["/big", "/big-unsized"])
def test_body_over_size_cap_fails(server, db, path):
    reason = ingest_failed(f"{server}{path}", db, ReadOptions(max_bytes=MAX_BYTES, timeout=5))
    assert "too large" in reason


def test_connection_refused_fails(db):
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    reason = ingest_failed(f"http://127.0.0.1:{port}/x", db, ReadOptions(timeout=2))
    assert "fetch" in reason.lower() or "refused" in reason.lower()


def test_failed_url_does_not_stop_the_others(server, db):
    urls = [f"{server}/notes.txt", f"{server}/missing", f"{server}/slow", f"{server}/news/cutter-handover"]
    report = bilat.ingest(urls, db=db, options=ReadOptions(timeout=TIMEOUT))
    assert [i.status for i in report.items] == ["new", "failed", "failed", "new"]
    with bilat.open_store(db) as store:
        assert sorted(r["name"] for r in store.documents()) == sorted([urls[0], urls[3]])


# -- misbehaving servers (raw sockets) ------------------------------------------------

LATIN1_TEXT = "Le ministre a déclaré à Hanoï que la coopération était déjà très avancée.\n"


def _raw_garbage(conn, stop):
    conn.sendall(b"HELLO THERE, THIS IS NOT HTTP\r\n\r\n")


def _raw_truncated(conn, stop):
    body = b"Some words about naval cooperation in the region and the port calls.\n" * 5
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5000\r\n\r\n" + body)


def _raw_trickle(conn, stop):
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n")
    for _ in range(10):  # one word every 0.3 s: each read is within the timeout, the whole is not
        if stop.wait(0.3):
            return
        conn.sendall(b"word ")


def _raw_latin1(conn, stop):
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=iso-8859-1\r\n"
                 b"Connection: close\r\n\r\n" + LATIN1_TEXT.encode("latin-1"))


RAW_ROUTES = {"/garbage": _raw_garbage, "/truncated": _raw_truncated, "/trickle": _raw_trickle,
              "/latin1": _raw_latin1}


@pytest.fixture(scope="module")
def raw_server():
    """A bare TCP server answering by path with hand-written (mis)responses."""
    import socket

    stop = threading.Event()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.settimeout(0.2)

    def handle(conn):
        with conn:
            try:
                request = conn.recv(65536).decode("latin-1")
                path = request.split(" ", 2)[1] if request.count(" ") >= 2 else "/"
                RAW_ROUTES.get(path, _raw_garbage)(conn, stop)
            except OSError:
                pass

    def loop():
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except (TimeoutError, OSError):
                continue
            threading.Thread(target=handle, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=5)
        sock.close()


def test_non_http_answer_fails_without_stopping_the_run(raw_server, server, db):
    urls = [f"{raw_server}/garbage", f"{server}/notes.txt"]
    report = bilat.ingest(urls, db=db, options=ReadOptions(timeout=2))
    assert [i.status for i in report.items] == ["failed", "new"], report
    assert report.items[0].reason and "\n" not in report.items[0].reason


def test_truncated_body_is_not_stored(raw_server, db):
    """Content-Length promises 5000 bytes, the server sends ~350 and closes."""
    reason = ingest_failed(f"{raw_server}/truncated", db, ReadOptions(timeout=2))
    assert any(word in reason.lower() for word in ("incomplete", "truncated", "short")), reason


def test_timeout_bounds_the_whole_download(raw_server, db):
    started = time.monotonic()
    reason = ingest_failed(f"{raw_server}/trickle", db, ReadOptions(timeout=TIMEOUT))
    elapsed = time.monotonic() - started
    assert "timed out" in reason
    assert elapsed < 2.0, f"took {elapsed:.1f} s with a {TIMEOUT} s timeout"


def test_declared_charset_is_honoured(raw_server, db):
    url = f"{raw_server}/latin1"
    item = ingest_ok(url, db, ReadOptions(timeout=2))
    with bilat.open_store(db) as store:
        text = store.document(item.document_id)["text"]
    assert text == LATIN1_TEXT.strip()
