"""Kernel-side cost of each way of getting an explorer's figure to the browser (headless, no browser).

Companion of ``browser_latency.py``: it times, on the real explorer figures (the Spasm explorer and
lesson 01's explorer, Agg canvas), the candidate changes to ``simlib/widgets/`` without editing it:

- image encodings of the whole canvas: lossless WebP method 0 (simlib's), PNG at zlib level 1 and
  6, JPEG and lossy WebP (bytes and ms);
- ipympl's diff image after a blit (changed pixels, transparent elsewhere), PNG at level 6
  (matplotlib's, i.e. Pillow's default), 1 and 0, and lossless WebP;
- a blit (background restored, data artists drawn) against a full ``canvas.draw()``;
- the same at 80 dpi instead of 100;
- preset clicks on the Spasm explorer with one cached background (simlib) or an LRU of 8.

Times are CPU time of the measuring thread (``time.thread_time``), so that they stay meaningful on
a loaded shared machine (wall time there is several times longer; rows marked "wall" are
``Explorer.timings``). Moves alternate between two settings (``rate_hz`` 20 ↔ 21 Hz, or
``receptor_block`` 0 ↔ 0.01), whose runs the explorer keeps, so the simulation is not timed. Each
number is the median of ``--repeat`` (default 15) interleaved repetitions.

Usage::

    python benchmarks/figure_transport.py [--repeat 15] [--json out.json]
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if importlib.util.find_spec("simlib") is None:  # this checkout's simlib, unless one is importable
    sys.path.insert(0, str(ROOT))


def _image(buffer: np.ndarray) -> Any:
    from PIL import Image

    height, width = buffer.shape[:2]
    return Image.frombuffer("RGBA", (width, height), buffer, "raw", "RGBA", 0, 1)


ENCODERS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "webp_lossless_m0 (simlib)": lambda im: {"format": "webp", "lossless": True, "method": 0, "quality": 0},
    "png_level1": lambda im: {"format": "png", "compress_level": 1},
    "png_level6": lambda im: {"format": "png", "compress_level": 6},
    "jpeg_q85": lambda im: {"format": "jpeg", "quality": 85},
    "jpeg_q95": lambda im: {"format": "jpeg", "quality": 95},
    "webp_lossy_q80_m0": lambda im: {"format": "webp", "quality": 80, "method": 0},
}
DIFF_ENCODERS: dict[str, dict[str, Any]] = {
    "png_level6 (matplotlib)": {"format": "png"},
    "png_level1": {"format": "png", "compress_level": 1},
    "png_level0": {"format": "png", "compress_level": 0},
    "webp_lossless_m0": {"format": "webp", "lossless": True, "method": 0, "quality": 0},
}


def _timed(func: Callable[[], Any]) -> tuple[float, Any]:
    """Call ``func``: (CPU ms of this thread, result); CPU time is what a quiet machine would take."""
    t0 = time.thread_time()
    out = func()
    return 1e3 * (time.thread_time() - t0), out


def _save(image: Any, params: dict[str, Any]) -> tuple[float, int]:
    """Encode ``image`` with Pillow's ``params``: (CPU ms, bytes)."""
    out = io.BytesIO()
    ms, _ = _timed(lambda: image.save(out, **params))
    return ms, out.tell()


def measure(which: str, repeat: int, dpi: float | None = None) -> dict[str, Any]:
    """Time redraws and encodings of one explorer (``"08"`` Spasm explorer, ``"01"`` lesson 01's)."""
    import matplotlib

    matplotlib.use("Agg")
    from simlib import widgets

    if which == "08":
        ex = widgets.spasm_explorer(canvas="image")
        field, values = "rate_hz", (20.0, 21.0)
    else:
        ex = widgets.explore(["receptor_block", "ache_activity", "rate_hz"],
                             panels=["spikes", "epp", "membrane", "force"], canvas="image")
        field, values = "receptor_block", (0.0, 0.01)
    if dpi is not None:
        ex.figure.set_dpi(dpi)
        ex._background = None  # noqa: SLF001 - force a new cached background at this resolution
        ex._render(full=True)  # noqa: SLF001
    canvas = ex.figure.canvas
    for value in (*values, *values):  # both runs in the explorer's memory, background cached
        ex.set(**{field: value})
    results: dict[str, list[float]] = {}
    sizes: dict[str, int] = {}

    def add(key: str, ms: float, size: int | None = None) -> None:
        results.setdefault(key, []).append(ms)
        if size is not None:
            sizes[key] = size

    for i in range(repeat):
        before = np.asarray(canvas.buffer_rgba()).copy()
        ms, _ = _timed(lambda i=i: ex.set(**{field: values[(i + 1) % 2]}))
        add("explorer update, CPU (no simulation: a remembered run)", ms)
        add("  wall: lines_and_limits (update_plot + _hold_limits)", ex.timings["update_ms"])
        add(f"  wall: redraw ({ex.last_redraw})", ex.timings["draw_ms"])
        add("  wall: encode (simlib's)", ex.timings["encode_ms"])
        ms, _ = _timed(lambda: (canvas.restore_region(ex._background), ex._draw_animated()))  # noqa: SLF001
        add("blit alone (restore background + draw data artists), CPU", ms)
        after = np.asarray(canvas.buffer_rgba())
        im = _image(after).convert("RGB")
        for name, params in ENCODERS.items():
            add(f"encode {name}", *_save(im, params(im)))
        # ipympl's diff image: changed pixels, transparent (0) elsewhere, as get_diff_image
        a32, b32 = before.view(np.uint32).squeeze(2), after.view(np.uint32).squeeze(2)
        ms_diff, diff = _timed(lambda a32=a32, b32=b32: np.where(a32 != b32, b32, 0))  # CPU ms
        add("diff compute (numpy)", ms_diff)
        changed = float((a32 != b32).mean())
        diff_im = _image(np.ascontiguousarray(diff).view(np.uint8).reshape(*diff.shape, 4))
        for name, params in DIFF_ENCODERS.items():
            add(f"diff {name}", *_save(diff_im, params))
        full_im = _image(after)
        for name, params in DIFF_ENCODERS.items():
            add(f"full RGBA {name}", *_save(full_im, params))
        ms, _ = _timed(canvas.draw)
        add("full canvas.draw(), CPU", ms)
        ex._render()  # noqa: SLF001 - back to the explorer's own state (cached background)
    return {"explorer": which, "dpi": float(ex.figure.dpi), "figure_px": [int(v) for v in ex.figure.bbox.size],
            "changed_pixel_fraction": changed,
            "median_ms": {k: statistics.median(v) for k, v in results.items()}, "bytes": sizes}


def _cache_backgrounds(ex: Any, size: int) -> None:
    """Give explorer ``ex`` an LRU of ``size`` backgrounds keyed by its view key (patch P1 of the findings)."""
    from collections import OrderedDict

    cache: OrderedDict[Any, Any] = OrderedDict()
    on_draw, render = ex._on_draw, ex._render  # noqa: SLF001

    def cached_on_draw(event: object) -> None:
        on_draw(event)
        if ex._background is not None:  # noqa: SLF001
            cache[ex._background_key] = ex._background  # noqa: SLF001
            cache.move_to_end(ex._background_key)  # noqa: SLF001
            while len(cache) > size:
                cache.popitem(last=False)

    def cached_render(*, full: bool = False) -> None:
        key = ex._view_key()  # noqa: SLF001
        if not full and key in cache:
            ex._background, ex._background_key = cache[key], key  # noqa: SLF001
        render(full=full)

    canvas = ex.figure.canvas
    for cid, ref in list(canvas.callbacks.callbacks.get("draw_event", {}).items()):
        if ref() == on_draw:  # the explorer's own handler only (a toolbar may listen too)
            canvas.mpl_disconnect(cid)
    canvas.mpl_connect("draw_event", cached_on_draw)
    ex._render = cached_render  # noqa: SLF001


def preset_revisits(passes: int = 3, cache: int = 0) -> dict[str, Any]:
    """CPU ms of preset clicks on the Spasm explorer, every preset ``passes`` times (the first pass untimed).

    With ``cache`` > 0 the explorer keeps that many backgrounds (one per set of axis limits)
    instead of one, so a preset seen before blits.
    """
    import matplotlib

    matplotlib.use("Agg")
    import simlib
    from simlib import widgets

    ex = widgets.spasm_explorer(canvas="image")
    if cache:
        _cache_backgrounds(ex, cache)
    names = list(simlib.PRESETS)
    timed = []
    keys = set()
    for i, name in enumerate(names * passes):
        ms, _ = _timed(lambda name=name: ex.apply_preset(name))
        keys.add(ex._view_key())  # noqa: SLF001
        if i >= len(names):
            timed.append((ex.last_redraw, ms))
    cpu = sorted(ms for _, ms in timed)
    return {"cache": cache, "clicks": len(timed), "full_draws": sum(r != "blit" for r, _ in timed),
            "median_ms": statistics.median(cpu), "p95_ms": float(np.percentile(cpu, 95)), "max_ms": cpu[-1],
            "distinct_view_keys": len(keys)}


def main(argv: list[str] | None = None) -> int:
    """Print (and optionally write as JSON) the medians for both explorers at 100 and 80 dpi."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    load = [round(x, 2) for x in os.getloadavg()]
    out = [measure(which, args.repeat, dpi) for which in ("08", "01") for dpi in (None, 80.0)]
    presets = [preset_revisits(cache=n) for n in (0, 8)]
    for r in out:
        print(f"\nexplorer {r['explorer']} at {r['dpi']:g} dpi ({r['figure_px'][0]}x{r['figure_px'][1]} px), "
              f"{100 * r['changed_pixel_fraction']:.1f} % of pixels changed by the move")
        for key, ms in r["median_ms"].items():
            size = r["bytes"].get(key)
            print(f"  {key:<58} {ms:7.1f} ms" + (f"  {size / 1e3:7.1f} kB" if size else ""))
    for r in presets:
        print(f"\npreset clicks, every preset seen before ({r['clicks']}), {r['cache'] or 1} cached background(s): "
              f"{r['full_draws']} full draws, CPU median {r['median_ms']:.0f} ms, p95 {r['p95_ms']:.0f} ms, "
              f"max {r['max_ms']:.0f} ms ({r['distinct_view_keys']} distinct sets of axis limits)")
    print(f"\nload average at start {load}, at end {[round(x, 2) for x in os.getloadavg()]}")
    if args.json is not None:
        args.json.write_text(json.dumps({"load_start": load, "results": out, "preset_revisits": presets}, indent=1)
                             + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
