"""The built UI's files (issue 17, point 10): hashed assets compressed and kept a year, index.html
revalidated on every load. The dist here is laid out as `vite build` writes it (ui/vite.config.ts):
each asset beside its .br and .gz copies."""

from __future__ import annotations

import gzip
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from app.bootstrap import Container
from app.glados.app import create_app

SCRIPT = ("export function greet(name) { return `hello, ${name}`; }\n" * 200).encode()
YEAR = "public, max-age=31536000, immutable"


def brotli(data: bytes) -> bytes:
    """Compressed the way the build does it (node's zlib: the Python venv has no brotli module)."""
    return subprocess.run(["node", "-e", "process.stdout.write(require('zlib').brotliCompressSync("
                           "require('fs').readFileSync(0)))"], input=data, capture_output=True, check=True).stdout


def directives(header: str) -> set[str]:
    return {part.strip() for part in header.split(",")}


@pytest.fixture
def ui(pg: Container, tmp_path: Path) -> Iterator[FlaskClient]:
    assets = tmp_path / "assets"
    assets.mkdir()
    (tmp_path / "index.html").write_text('<!doctype html><script type="module" src="/assets/index-Ab12.js"></script>')
    (assets / "index-Ab12.js").write_bytes(SCRIPT)
    (assets / "index-Ab12.js.gz").write_bytes(gzip.compress(SCRIPT))
    (assets / "index-Ab12.js.br").write_bytes(brotli(SCRIPT))
    (assets / "logo-Cd34.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))  # no compressed copy
    app = create_app({"SETTINGS": pg.settings.model_copy(update={"ui_dist": tmp_path}), "CONTAINER": pg})
    yield app.test_client()
    app.extensions["weaver"].broadcaster.stop()


def test_a_script_comes_brotli_compressed_to_a_browser_that_takes_brotli(ui: FlaskClient) -> None:
    with ui.get("/assets/index-Ab12.js", headers={"Accept-Encoding": "gzip, deflate, br, zstd"}) as response:
        assert response.status_code == 200
        assert response.headers["Content-Encoding"] == "br"
        assert response.mimetype == "text/javascript"
        assert "Accept-Encoding" in response.headers["Vary"]
        assert len(response.data) < len(SCRIPT) / 10
        assert response.data == brotli(SCRIPT)


def test_a_script_comes_gzipped_when_gzip_is_all_the_client_takes(ui: FlaskClient) -> None:
    with ui.get("/assets/index-Ab12.js", headers={"Accept-Encoding": "gzip"}) as response:
        assert response.headers["Content-Encoding"] == "gzip"
        assert response.mimetype == "text/javascript"
        assert gzip.decompress(response.data) == SCRIPT
        assert directives(response.headers["Cache-Control"]) == directives(YEAR)


def test_a_client_that_takes_no_compression_gets_the_plain_file(ui: FlaskClient) -> None:
    for accept in ("identity", "br;q=0, gzip;q=0"):
        with ui.get("/assets/index-Ab12.js", headers={"Accept-Encoding": accept}) as response:
            assert "Content-Encoding" not in response.headers, accept
            assert response.data == SCRIPT


def test_hashed_assets_are_kept_a_year_and_index_html_is_revalidated(ui: FlaskClient) -> None:
    with ui.get("/assets/logo-Cd34.png", headers={"Accept-Encoding": "br"}) as image:
        assert image.status_code == 200 and "Content-Encoding" not in image.headers
        assert directives(image.headers["Cache-Control"]) == directives(YEAR)
    for page in ("/", "/index.html", "/runs/some-client-route"):
        with ui.get(page) as response:
            assert response.status_code == 200 and response.mimetype == "text/html", page
            assert response.headers["Cache-Control"] == "no-cache", page
            assert b"/assets/index-Ab12.js" in response.data
