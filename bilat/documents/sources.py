"""Turn what the user named (files, folders, URLs, ``-``) into raw inputs."""
from __future__ import annotations

import http.client
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bilat.errors import InputError

from .model import RawInput

SUPPORTED_SUFFIXES = {".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml", ".pdf"}
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_TIMEOUT = 20.0
USER_AGENT = "bilat/0.1 (+document ingest)"


@dataclass(frozen=True)
class ReadOptions:
    max_bytes: int = DEFAULT_MAX_BYTES
    timeout: float = DEFAULT_TIMEOUT


def expand(targets: list[str]) -> Iterator[str | InputError]:
    """Yield each file, URL or ``-`` in ``targets``; folders are walked
    recursively (sorted, hidden entries skipped, supported suffixes only)."""
    for target in targets:
        if target == "-" or _is_url(target):
            yield target
            continue
        if "://" in target:
            yield InputError(target, "malformed or unsupported URL (only http:// and https://)")
            continue
        path = Path(target)
        if path.is_dir():
            found = False
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for fname in sorted(files):
                    if fname.startswith(".") or Path(fname).suffix.lower() not in SUPPORTED_SUFFIXES:
                        continue
                    found = True
                    yield str(Path(root) / fname)
            if not found:
                yield InputError(target, "folder holds no supported documents (.txt .md .html .pdf)")
        elif path.exists():
            yield target
        else:
            yield InputError(target, "no such file or folder")


def read(target: str, options: ReadOptions = ReadOptions()) -> RawInput:
    """Read one expanded target into memory, enforcing the size cap."""
    if target == "-":
        data = sys.stdin.buffer.read(options.max_bytes + 1)
        _check_size(target, len(data), options)
        # Each distinct text piped in is its own document, not a new version of "stdin".
        raw = RawInput(location="-", name="stdin", data=data)
        return RawInput(location=f"stdin:{raw.raw_hash[:16]}", name="stdin", data=data)
    if _is_url(target):
        return fetch(target, options)
    path = Path(target)
    try:
        size = path.stat().st_size
        _check_size(target, size, options)
        data = path.read_bytes()
    except PermissionError:
        raise InputError(target, "permission denied") from None
    except IsADirectoryError:
        raise InputError(target, "is a folder") from None
    except OSError as exc:
        raise InputError(target, f"cannot read file ({exc.strerror or exc})") from None
    return RawInput(location=str(path.resolve()), name=path.name, data=data)


def fetch(url: str, options: ReadOptions = ReadOptions()) -> RawInput:
    """GET ``url``; ``options.timeout`` bounds the whole download, not each read."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
    deadline = time.monotonic() + options.timeout
    try:
        with urllib.request.urlopen(request, timeout=options.timeout) as response:
            length = response.headers.get("Content-Length")
            declared = int(length) if length and length.isdigit() else None
            if declared is not None:
                _check_size(url, declared, options)
            chunks, received = [], 0
            while True:
                if time.monotonic() > deadline:
                    raise TimeoutError
                chunk = response.read1(65536) if hasattr(response, "read1") else response.read(65536)
                if not chunk:
                    break
                chunks.append(chunk)
                received += len(chunk)
                _check_size(url, received, options)
            data = b"".join(chunks)
            if declared is not None and received < declared:
                raise InputError(url, f"incomplete download ({received} of {declared} bytes)")
            content_type = response.headers.get_content_type()
            charset = response.headers.get_content_charset()
            final_url = response.geturl() or url
    except InputError:
        raise
    except urllib.error.HTTPError as exc:
        raise InputError(url, f"HTTP error {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError) or "timed out" in str(reason):
            raise InputError(url, f"timed out after {options.timeout:g} s") from None
        raise InputError(url, f"cannot fetch ({reason})") from None
    except TimeoutError:
        raise InputError(url, f"timed out after {options.timeout:g} s") from None
    except http.client.IncompleteRead as exc:
        raise InputError(url, f"incomplete download ({len(exc.partial)} bytes received)") from None
    except http.client.HTTPException as exc:
        raise InputError(url, f"bad HTTP response ({type(exc).__name__})") from None
    except (OSError, ValueError) as exc:
        raise InputError(url, f"cannot fetch ({exc})") from None
    return RawInput(location=final_url, name=final_url, data=data, content_type=content_type, charset=charset)


def _check_size(source: str, size: int, options: ReadOptions) -> None:
    if size > options.max_bytes:
        raise InputError(
            source, f"too large ({size / 2**20:.1f} MB; the limit is {options.max_bytes / 2**20:g} MB)"
        )


def _is_url(target: str) -> bool:
    parts = urllib.parse.urlsplit(target)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in target
