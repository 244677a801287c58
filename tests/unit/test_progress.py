"""simlib.progress: one progress bar (tqdm's), the ``progress=`` argument, and a line per step in logs."""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap
import threading

import pytest

import simlib.progress as progress


class _Terminal(io.StringIO):
    """A text stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_bar_draws_tqdm_text_on_its_stream_and_ends_the_line():
    out = io.StringIO()
    bar = progress.Bar(4, file=out)
    for done in range(1, 5):
        bar(done)
    bar.close()
    text = out.getvalue()
    assert text.startswith("\rsweep:   0%|")
    assert "100%|" in text and "| 4/4 [" in text and "run/s]" in text
    assert text.endswith("\n") and "stopped" not in text


def test_a_bar_that_does_not_reach_its_total_says_stopped():
    out = io.StringIO()
    bar = progress.Bar(4, file=out)
    bar(1)
    bar.close()
    assert out.getvalue().rstrip("\n").endswith("stopped]")
    assert "| 1/4 [" in out.getvalue()


def test_bar_shows_its_label_unit_and_what_it_is_doing():
    out = io.StringIO()
    bar = progress.Bar(2, label="cramp threshold", file=out, unit="rate")
    bar.describe("30 Hz")
    bar(2)
    bar.close()
    text = out.getvalue()
    assert text.startswith("\rcramp threshold:   0%|")
    assert "rate/s, 30 Hz]" in text


def test_log_lines_write_one_complete_line_per_step_when_not_a_terminal():
    out = io.StringIO()
    bar = progress.Bar(2, "figures", file=out, unit="figure", log_lines=True)
    bar.describe("twitch")
    bar(1)
    bar.describe("tetanus")
    bar(2)
    bar.close()
    lines = out.getvalue().splitlines()
    assert len(lines) == 2 and "\r" not in out.getvalue()
    assert lines[0].startswith("figures:  50%|#####     | 1/2 [") and lines[0].endswith("figure/s, twitch]")
    assert lines[1].startswith("figures: 100%|##########| 2/2 [") and lines[1].endswith("tetanus]")


def test_log_lines_add_nothing_when_stopped_and_on_a_terminal_redraw_in_place():
    out = io.StringIO()
    bar = progress.Bar(3, "figures", file=out, log_lines=True)
    bar.describe("twitch")
    bar(1)
    bar.close()  # what stopped the work says so itself, in one line (the command line's promise)
    assert out.getvalue().count("\n") == 1 and "| 1/3 [" in out.getvalue()
    terminal = _Terminal()
    bar = progress.Bar(3, "figures", file=terminal, log_lines=True)
    bar(1)
    bar.close()
    assert terminal.getvalue().startswith("\rfigures:   0%|") and terminal.getvalue().endswith("stopped]\n")


def test_a_bar_starts_no_thread():
    # tqdm's monitor thread would outlive the bar and be running when the sweep forks its workers
    before = set(threading.enumerate())
    bar = progress.Bar(2, file=io.StringIO())
    bar(1)
    bar.close()
    assert set(threading.enumerate()) <= before


def test_progress_argument_picks_the_reporter(monkeypatch):
    calls = []
    report = progress.progress_reporter(lambda done, total: calls.append((done, total)), 3, 0.0)
    report(2)
    report.close()
    assert calls == [(2, 3)]
    assert isinstance(progress.progress_reporter(True, 3, 0.0), progress.Bar)
    assert type(progress.progress_reporter(False, 3, 1e6)) is progress.Reporter
    monkeypatch.setattr(sys, "stderr", io.StringIO())  # nobody watching: no automatic bar
    assert type(progress.progress_reporter(None, 3, 1e6)) is progress.Reporter
    monkeypatch.setattr(sys, "stderr", _Terminal())
    assert type(progress.progress_reporter(None, 3, 1.0)) is progress.Reporter  # short work
    bar = progress.progress_reporter(None, 3, progress.AUTO_BAR_SIMULATED_S, label="cramp threshold")
    assert isinstance(bar, progress.Bar) and bar.label == "cramp threshold"
    bar.close()
    assert sys.stderr.getvalue().startswith("\rcramp threshold:   0%|")


def test_a_quiet_reporter_does_nothing():
    report = progress.Reporter(3)
    report.describe("anything")
    report(1)
    report.close()


@pytest.mark.parametrize("bad", ["yes", 1, 0.5, [True]])
def test_check_progress_refuses_anything_else(bad):
    with pytest.raises(progress.ParameterError, match="'progress' must be True, False, None or a function"):
        progress.check_progress(bad)


@pytest.mark.slow
def test_in_a_jupyter_kernel_the_bar_is_a_widget_and_writes_nothing_to_stderr():
    """The notebook path, in a real IPython kernel: tqdm's ipywidgets bar, as the old WidgetBar was."""
    pytest.importorskip("ipywidgets")
    manager = pytest.importorskip("jupyter_client.manager")
    km, kc = manager.start_new_kernel(kernel_name="python3", extra_arguments=["--HistoryManager.enabled=False"])
    code = textwrap.dedent("""
        import simlib.progress as p
        print(p.in_notebook())
        bar = p.progress_reporter(True, 3, 0.0)
        bar(2)
        bar.close()
        import tqdm.notebook
        print(isinstance(bar.bar, tqdm.notebook.tqdm), bar.bar.container.children[1].bar_style)
    """)
    try:
        kc.execute(code)
        outputs = []
        while True:
            msg = kc.get_iopub_msg(timeout=120)
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                break
            outputs.append(msg)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    errors = [m["content"] for m in outputs if m["msg_type"] == "error"]
    assert not errors, errors
    streams = [m["content"] for m in outputs if m["msg_type"] == "stream"]
    assert [s["name"] for s in streams] == ["stdout"] * len(streams)  # nothing on stderr
    printed = "".join(s["text"] for s in streams).split()
    assert printed == ["True", "True", "danger"]  # in Jupyter, tqdm's widget; stopped at 2/3: red
    displays = [m["content"]["data"] for m in outputs if m["msg_type"] == "display_data"]
    assert any("application/vnd.jupyter.widget-view+json" in data for data in displays)


def test_importing_simlib_progress_does_not_import_tqdm():
    code = "import sys, simlib.progress; print('tqdm' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert proc.stdout.split() == ["False"]
