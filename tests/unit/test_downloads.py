"""simlib.downloads: browser-download links, Voilà detection and the export limits of a shared app."""

from __future__ import annotations

import base64
import re

from simlib import downloads


def test_in_voila_looks_for_the_variables_voila_sets():
    assert downloads.in_voila({"VOILA_KERNEL_ID": "abc"})
    assert downloads.in_voila({"VOILA_SERVER_URL": "http://localhost:8866/"})
    assert not downloads.in_voila({"JPY_PARENT_PID": "1", "HOME": "/home/learner"})
    assert not downloads.in_voila({})


def test_download_links_carry_the_files_and_only_their_names():
    html = downloads.download_links([("fig.png", b"\x89PNG..."), ("fig.caption.toml", "title = 'Ca²⁺'".encode())])
    links = re.findall(r'<a class="msl-download" download="([^"]+)" href="data:([^;]+);base64,([^"]+)"', html)
    assert [(name, kind) for name, kind, _ in links] == [("fig.png", "image/png"), ("fig.caption.toml", "text/plain")]
    assert base64.b64decode(links[0][2]) == b"\x89PNG..."
    assert base64.b64decode(links[1][2]).decode("utf-8") == "title = 'Ca²⁺'"
    assert "Download figure (PNG)" in html and "Download caption (TOML)" in html
    assert downloads.download_links([]) == ""


def test_download_links_escape_names():
    html = downloads.download_links([('a"<b>.svg', b"<svg/>")])
    assert 'download="a&quot;&lt;b&gt;.svg"' in html and "image/svg+xml" in html


def test_export_limiter_spacing_and_cap():
    now = [100.0]
    limiter = downloads.ExportLimiter(min_interval_s=2.0, limit=3, clock=lambda: now[0])
    assert limiter.refusal() == ""
    now[0] += 1.0
    assert limiter.refusal() == "One export every 2 s on a shared app: try again in 1.0 s."
    now[0] += 1.0
    assert limiter.refusal() == ""
    now[0] += 5.0
    assert limiter.refusal() == ""
    now[0] += 5.0
    assert "at most 3 exports per visit" in limiter.refusal()
    assert limiter.count == 3
    assert downloads.EXPORT_MIN_INTERVAL_S == 2.0 and downloads.APP_EXPORT_LIMIT == 20
