"""Kernel side of ``benchmarks/browser_latency.py``: time the explorer's work, optionally try a variant.

Loaded by an IPython startup file that the benchmark writes into the served notebooks' private
``IPYTHONDIR`` (never into the user's), so the notebook runs unchanged. It wraps a few methods of
:class:`simlib.widgets.Explorer` and of matplotlib's WebAgg canvas (which ipympl uses) *in that
kernel only* and appends one JSON line per step to the file named by ``MSL_BENCH_PROBE_LOG``:

- ``apply``: one explorer update (slider or preset): epoch start/end (s), ``Explorer.timings``
  (simulate, metrics, lines, draw, encode; ms), the redraw kind and the image size;
- ``diff``: ipympl's diff/full PNG of the canvas (``get_diff_image``): epoch start/end, bytes, mode;
- ``handle_draw``: ipympl's full draw requested by the browser after ``draw_idle``.

``MSL_BENCH_VARIANT`` (read only here, never by simlib) selects candidate changes to measure, as
comma-separated ``key=value`` pairs:

``canvas=image|ipympl``
    Force the explorer's canvas (default: what the notebook chooses).
``fmt=webp|png|png1|jpeg<q>|webp<q>``
    Image-widget encoding: lossless WebP method 0 (simlib's), PNG level 6, PNG level 1, JPEG or
    lossy WebP at quality ``q`` (e.g. ``jpeg85``, ``webp80``).
``dpi=<n>``
    Figure resolution (dots per inch; simlib uses 100); the figure's size in inches is kept.
``blit=0``
    Never blit: a full draw on every update.
``diffpng=<level>``
    zlib level of ipympl's diff/full PNG (matplotlib uses Pillow's default, 6).
``eager=1``
    ipympl: draw in the kernel at once instead of ``draw_idle`` (which asks the browser to request
    the draw, one more round trip).
``bgcache=<n>``
    Keep ``n`` cached backgrounds (one per set of axis limits) instead of one
    (``figure_transport._cache_backgrounds``).
``labeller=0``
    Leave out the explorer's :class:`simlib.a11y.SliderLabeller` (its page-side observer).

Nothing here changes a model number: only how and when the figure reaches the browser.
"""

from __future__ import annotations

import io
import json
import os
import time
from typing import Any

_LOG = os.environ.get("MSL_BENCH_PROBE_LOG", "")


def parse_variant(text: str) -> dict[str, str]:
    """Parse ``"canvas=image,fmt=jpeg85"`` into ``{"canvas": "image", "fmt": "jpeg85"}``.

    Parameters
    ----------
    text : str
        Comma-separated ``key=value`` pairs; empty for simlib's behaviour.

    Returns
    -------
    dict of str to str

    Raises
    ------
    ValueError
        If a pair has no ``=`` or an unknown key.
    """
    known = {"canvas", "fmt", "dpi", "blit", "diffpng", "eager", "labeller", "bgcache"}
    out: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, sep, value = part.partition("=")
        if not sep or key not in known:
            raise ValueError(f"variant part {part!r} is not key=value with a key from {sorted(known)}")
        out[key] = value
    return out


VARIANT = parse_variant(os.environ.get("MSL_BENCH_VARIANT", ""))


def _write(record: dict[str, Any]) -> None:
    if _LOG:
        with open(_LOG, "a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")


def _encode_variant(canvas: Any, fmt: str) -> bytes:
    """Encode the canvas buffer as the ``fmt`` variant asks (replaces ``simlib.widgets.encoding.encode``)."""
    from PIL import Image

    buffer = canvas.buffer_rgba()
    height, width = buffer.shape[:2]
    image = Image.frombuffer("RGBA", (width, height), buffer, "raw", "RGBA", 0, 1).convert("RGB")
    out = io.BytesIO()
    choice = VARIANT.get("fmt", "webp")
    if choice == "png":
        image.save(out, format="png")
    elif choice == "png1":
        image.save(out, format="png", compress_level=1)
    elif choice.startswith("jpeg"):
        image.save(out, format="jpeg", quality=int(choice[4:] or 85))
    elif choice.startswith("webp") and choice[4:]:
        image.save(out, format="webp", quality=int(choice[4:]), method=0)
    else:
        image.save(out, format="webp", lossless=True, method=0, quality=0)
    return out.getvalue()


def _widget_format() -> str:
    choice = VARIANT.get("fmt", "webp")
    return "jpeg" if choice.startswith("jpeg") else "png" if choice.startswith("png") else "webp"


def install() -> None:
    """Wrap the explorer and the WebAgg canvas in this process (idempotent)."""
    from matplotlib.backends import backend_webagg_core as webagg

    from simlib import widgets

    if getattr(widgets.Explorer, "_msl_bench_probe", False):
        return
    widgets.Explorer._msl_bench_probe = True
    original_init, original_apply = widgets.Explorer.__init__, widgets.Explorer._apply
    original_render, original_make = widgets.Explorer._render, widgets.Explorer._make_figure

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        if "canvas" in VARIANT:
            kwargs["canvas"] = VARIANT["canvas"]
        original_init(self, *args, **kwargs)
        if int(VARIANT.get("bgcache", "0")) > 1:
            from figure_transport import _cache_backgrounds

            _cache_backgrounds(self, int(VARIANT["bgcache"]))

    def apply(self: Any, make: Any) -> bool:
        t0, c0 = time.time(), time.thread_time()
        ok = original_apply(self, make)
        image = getattr(self, "_image", None)
        _write({"ev": "apply", "name": self.name, "t0": t0, "t1": time.time(), "ok": ok,
                "cpu_ms": 1e3 * (time.thread_time() - c0),
                "timings": dict(self.timings), "redraw": self.last_redraw,
                "image_bytes": None if image is None else len(image.value)})
        return ok

    def render(self: Any, *, full: bool = False) -> None:
        full = full or VARIANT.get("blit") == "0"
        stale = full or self._background is None or self._background_key != self._view_key()
        connected = self._image is None and not getattr(self._figure.canvas, "syncing_data_url", True)
        if VARIANT.get("eager") == "1" and connected and stale:  # before a view connects: draw_idle as simlib
            # ipympl: draw now (Agg draw, then the image is sent) instead of draw_idle's browser round trip
            t0 = time.perf_counter()
            self._figure.canvas.draw()
            self.last_redraw = "full"
            self.timings["draw_ms"], self.timings["encode_ms"] = 1e3 * (time.perf_counter() - t0), 0.0
            return
        original_render(self, full=full)

    def make_figure(self: Any, figsize: Any) -> Any:
        fig, axes = original_make(self, figsize)
        if "dpi" in VARIANT:
            fig.set_dpi(float(VARIANT["dpi"]))
        return fig, axes

    widgets.Explorer.__init__ = init  # type: ignore[method-assign]
    widgets.Explorer._apply = apply  # type: ignore[method-assign]
    widgets.Explorer._render = render  # type: ignore[method-assign]
    widgets.Explorer._make_figure = make_figure  # type: ignore[method-assign]
    if VARIANT.get("labeller") == "0":
        import ipywidgets as ipw

        import simlib.widgets.view

        simlib.widgets.view.SliderLabeller = lambda **_kwargs: ipw.HTML()  # type: ignore[assignment,misc]
    if "fmt" in VARIANT:
        import simlib.widgets.figure
        import simlib.widgets.view

        simlib.widgets.figure.encode = _encode_variant  # type: ignore[assignment]
        simlib.widgets.view.IMAGE_FORMAT = _widget_format()

    core = webagg.FigureCanvasWebAggCore
    original_diff, original_draw = core.get_diff_image, core.handle_draw
    level = VARIANT.get("diffpng")
    if level is not None:
        from PIL import Image

        def png_save(self: Image.Image, fp: Any, format: str | None = None, **params: Any) -> None:  # noqa: A002
            if (format or "").lower() == "png":
                params.setdefault("compress_level", int(level))
            original_save(self, fp, format, **params)

        original_save = Image.Image.save
        Image.Image.save = png_save  # type: ignore[method-assign]

    def get_diff_image(self: Any) -> Any:
        t0 = time.time()
        data = original_diff(self)
        if data is not None:
            _write({"ev": "diff", "t0": t0, "t1": time.time(), "bytes": len(data),
                    "mode": getattr(self, "_current_image_mode", "")})
        return data

    def handle_draw(self: Any, event: Any) -> None:
        t0, c0 = time.time(), time.thread_time()
        original_draw(self, event)
        _write({"ev": "handle_draw", "t0": t0, "t1": time.time(), "cpu_ms": 1e3 * (time.thread_time() - c0)})

    webagg.FigureCanvasWebAggCore.get_diff_image = get_diff_image  # type: ignore[method-assign]
    webagg.FigureCanvasWebAggCore.handle_draw = handle_draw  # type: ignore[method-assign]
    _write({"ev": "probe", "t": time.time(), "variant": VARIANT, "pid": os.getpid(), "simlib": widgets.__file__})


# Startup file contents: put benchmarks/ on sys.path, then install the probe (see write_startup).
STARTUP = """import sys
sys.path.insert(0, {path!r})
import _kernel_probe
_kernel_probe.install()
"""
