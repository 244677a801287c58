"""Bad and hostile files: the scenario loader's limits and the atomic writers (reliability audit D6-D12).

Every case of the audit that concerns reading a scenario file or writing a user's file is here (or in
test_export.py for figure sets and test_cli.py for the command line), with the audit's number.
"""

from __future__ import annotations

import csv
import io
import os
import stat
import threading
import time
from pathlib import Path

import numpy as np
import pytest

import simlib
from simlib import _fileio
from simlib.errors import ParameterError
from simlib.result import Result
from simlib.scenario import Scenario
from simlib.scenario_io import MAX_FILE_BYTES, load_scenario, save_scenario

posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs, devices and symbolic links")


def _load_within(path: Path, seconds: float = 10.0) -> BaseException | Scenario:
    """Load in a thread; fail the test instead of hanging if the loader blocks."""
    box: list[BaseException | Scenario] = []

    def target() -> None:
        try:
            box.append(load_scenario(path))
        except BaseException as exc:  # noqa: BLE001 - the test inspects it
            box.append(exc)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert box, f"load_scenario({path}) still running after {seconds} s"
    return box[0]


# -- D7: only a regular file, of bounded size ------------------------------------------------------------


@posix_only
def test_a_fifo_is_refused_at_once(tmp_path):
    fifo = tmp_path / "f.toml"
    os.mkfifo(fifo)
    result = _load_within(fifo)
    assert isinstance(result, ParameterError), result
    assert str(result).startswith(f"{fifo}: not a regular file")


@posix_only
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_a_link_to_a_device_is_refused_without_reading_it(tmp_path, device):
    if not os.path.exists(device):
        pytest.skip(f"no {device}")
    link = tmp_path / "z.toml"
    link.symlink_to(device)
    started = time.perf_counter()
    result = _load_within(link)
    assert isinstance(result, ParameterError) and "not a regular file" in str(result)
    assert time.perf_counter() - started < 1.0


@posix_only
def test_a_link_to_a_regular_file_is_followed(tmp_path):
    real = tmp_path / "real.toml"
    real.write_text("ca_mM = 0.8\n")
    (tmp_path / "link.toml").symlink_to(real)
    assert load_scenario(tmp_path / "link.toml") == Scenario(ca_mM=0.8)


@posix_only
@pytest.mark.parametrize("kind", ["dangling", "loop"])
def test_broken_links_are_parameter_errors(tmp_path, kind):
    link = tmp_path / "l.toml"
    if kind == "dangling":
        link.symlink_to(tmp_path / "missing.toml")
    else:
        link.symlink_to(link)
    with pytest.raises(ParameterError) as info:
        load_scenario(link)
    assert str(info.value).startswith(str(link))


def test_the_size_limit(tmp_path):
    path = tmp_path / "big.toml"
    field = "ca_mM = 0.8\n"
    path.write_text(field + "#" * (MAX_FILE_BYTES - len(field) - 1) + "\n")
    assert path.stat().st_size == MAX_FILE_BYTES
    assert load_scenario(path) == Scenario(ca_mM=0.8)
    path.write_text(field + "#" * (MAX_FILE_BYTES - len(field)) + "\n")
    with pytest.raises(ParameterError, match=r"too large for a scenario file \(more than 64 KiB"):
        load_scenario(path)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("comment.toml", "# " + "x" * 10_000_000 + "\n"),
        ("string.json", '{"drive": "' + "x" * 10_000_000 + '"}'),
        ("keys.json", "{" + ", ".join(f'"k{i}": 1' for i in range(200_000)) + "}"),
    ],
)
def test_huge_files_are_refused_quickly(tmp_path, name, text):
    # Audit D7: a 100 MB string value ran out of memory; 200k unknown keys took 16 s and a 56 MB message.
    path = tmp_path / name
    path.write_text(text)
    started = time.perf_counter()
    with pytest.raises(ParameterError, match="too large") as info:
        load_scenario(path)
    assert time.perf_counter() - started < 1.0 and len(str(info.value)) < 500


def test_many_unknown_keys_within_the_limit_give_a_short_message_quickly(tmp_path):
    path = tmp_path / "keys.json"
    keys = [f"rate_{i}" for i in range(4_000)]
    path.write_text("{" + ", ".join(f'"{k}": 1' for k in keys) + "}")
    assert path.stat().st_size < MAX_FILE_BYTES
    started = time.perf_counter()
    with pytest.raises(ParameterError) as info:
        load_scenario(path)
    message = str(info.value)
    assert time.perf_counter() - started < 2.0
    assert message.count("is not a Scenario field") == 5 and message.endswith("(and 3,995 more unknown names)")
    assert len(message) < 2_000


def test_a_long_drive_word_is_refused_with_a_short_message(tmp_path):
    path = tmp_path / "drive.json"
    path.write_text('{"drive": "' + "stimulation" * 5_000 + '"}')
    with pytest.raises(ParameterError, match="'drive' must be one of 'voluntary', 'stimulation'") as info:
        load_scenario(path)
    assert len(str(info.value)) < 500


# -- D8: parse errors are ParameterErrors naming the file ------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "fragment"),
    [
        ("arrays.toml", "rate_hz = " + "[" * 20_000 + "]" * 20_000 + "\n", "nested too deeply"),
        ("tables.toml", "rate_hz = " + "{a = " * 5_000 + "1" + "}" * 5_000 + "\n", "nested too deeply"),
        ("arrays.json", '{"rate_hz": ' + "[" * 20_000 + "]" * 20_000 + "}", "nested too deeply"),
        ("objects.json", '{"rate_hz": ' + '{"a": ' * 5_000 + "1" + "}" * 5_000 + "}", "nested too deeply"),
        ("digits.toml", "rate_hz = " + "9" * 5_000 + "\n", "4300 digits"),
        ("digits.json", '{"rate_hz": ' + "9" * 5_000 + "}", "4300 digits"),
    ],
)
def test_deep_nesting_and_huge_integers_are_parameter_errors(tmp_path, name, text, fragment):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(ParameterError) as info:
        load_scenario(path)
    message = str(info.value)
    assert message.startswith(f"{path}: malformed") and fragment in message and len(message) < 500


def test_a_nul_in_the_path_is_a_parameter_error():
    with pytest.raises(ParameterError, match="not a valid file name"):
        load_scenario("bad\0name.toml")


def test_a_file_name_that_is_too_long(tmp_path):
    with pytest.raises(ParameterError, match="cannot read scenario file") as info:
        load_scenario(tmp_path / ("x" * 300 + ".toml"))
    assert "too long" in str(info.value).lower()


# -- D9: a file rewritten in place while it is read -------------------------------------------------------


def test_a_file_truncated_mid_rewrite_is_never_read_as_the_defaults(tmp_path):
    # What a reader sees while an editor truncates and rewrites the file: empty, then a partial text.
    path = tmp_path / "s.toml"
    full = '[scenario]\nca_mM = 0.75\nrate_hz = 0.0\n'
    for cut in range(len(full)):
        path.write_text(full[:cut])
        try:
            loaded = load_scenario(path)
        except ParameterError:
            continue
        assert loaded != Scenario(), f"{full[:cut]!r} loaded as the healthy defaults"


# -- D6: Result.to_csv is atomic ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def result() -> Result:
    return simlib.simulate(Scenario(duration_s=0.2, drive_start_s=0.05, drive_s=0.1))


def _reference_csv(res: Result) -> bytes:
    """The CSV as the previous, non-atomic to_csv wrote it (the format must not change)."""
    from simlib.chain import STATE_NAMES, STATE_UNITS

    columns = {"t (s)": res.t, "force (normalised)": res.force}
    for name, unit in zip(STATE_NAMES, STATE_UNITS, strict=True):
        if name == "ca_total":
            columns["ca_i (µM)"] = res.ca_i
        if name != "force":
            columns[f"{name} ({unit})" if unit else f"{name} (fraction)"] = res.state(name)
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerow(columns)
    writer.writerows(zip(*(np.round(col, 9) for col in columns.values()), strict=True))
    return text.getvalue().encode("utf-8")


def test_to_csv_writes_the_same_bytes_as_before(result, tmp_path):
    path = tmp_path / "run.csv"
    result.to_csv(path)
    assert path.read_bytes() == _reference_csv(result)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.csv"]


def test_to_csv_on_a_full_disk_keeps_the_previous_file(result, tmp_path, monkeypatch):
    # Audit D6: a raw OSError, and a valid 79 KB file replaced by a truncated one.
    path = tmp_path / "run.csv"
    path.write_bytes(b"previous,valid\n1,2\n")

    def full_disk(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(ParameterError) as info:
        result.to_csv(path)
    assert str(info.value) == f"{path}: cannot write (No space left on device); nothing was changed"
    assert path.read_bytes() == b"previous,valid\n1,2\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.csv"]


def test_to_csv_interrupted_leaves_no_file(result, tmp_path, monkeypatch):
    def interrupted(self, handle):
        handle.write(b"t (s),force\n0,0\n")
        raise KeyboardInterrupt

    monkeypatch.setattr(Result, "_write_csv", interrupted)
    with pytest.raises(KeyboardInterrupt):
        result.to_csv(tmp_path / "run.csv")
    assert list(tmp_path.iterdir()) == []


def test_to_csv_errors_name_the_file(result, tmp_path):
    with pytest.raises(ParameterError, match="does not exist"):
        result.to_csv(tmp_path / "missing" / "run.csv")
    (tmp_path / "run.csv").write_text("keep")
    with pytest.raises(ParameterError, match="already exists"):
        result.to_csv(tmp_path / "run.csv", overwrite=False)
    with pytest.raises(ParameterError, match="is a directory, not a regular file"):
        result.to_csv(tmp_path)
    assert (tmp_path / "run.csv").read_text() == "keep"


# -- D11: links and devices are never replaced ------------------------------------------------------------


@posix_only
def test_writers_refuse_a_symbolic_link(result, tmp_path):
    real = tmp_path / "real.csv"
    real.write_text("untouched")
    for name, write in (("l.csv", lambda p: result.to_csv(p)),
                        ("l.toml", lambda p: save_scenario(Scenario(), p, overwrite=True))):
        link = tmp_path / name
        link.symlink_to(real)
        with pytest.raises(ParameterError, match="is a symbolic link, not a regular file"):
            write(link)
        assert link.is_symlink() and real.read_text() == "untouched"


@posix_only
def test_writers_refuse_a_device_node(result, tmp_path):
    node = tmp_path / "fakenull"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (PermissionError, OSError) as exc:
        pytest.skip(f"cannot create a device node here: {exc}")
    with pytest.raises(ParameterError, match="is a character device, not a regular file"):
        result.to_csv(node)
    assert stat.S_ISCHR(os.lstat(node).st_mode)


@posix_only
def test_writers_refuse_a_fifo(tmp_path):
    fifo = tmp_path / "f.toml"
    os.mkfifo(fifo)
    with pytest.raises(ParameterError, match="named pipe"):
        save_scenario(Scenario(), fifo, overwrite=True)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


# -- D10/D12: temporary files ------------------------------------------------------------------------------


def test_temporary_files_have_a_recognisable_prefix_and_are_cleaned_up(tmp_path):
    seen = []

    def write(handle):
        seen.extend(p.name for p in tmp_path.iterdir())
        handle.write(b"x")

    _fileio.atomic_write(tmp_path / ("n" * 250), write, overwrite=False)  # long names still fit
    assert seen[0].startswith(_fileio.TEMP_PREFIX)
    assert [p.name for p in tmp_path.iterdir()] == ["n" * 250]


def test_stale_temporary_files_are_removed_by_the_next_write(tmp_path):
    # Left only by SIGKILL or a power cut; fresh ones (a write in progress) are kept.
    stale = tmp_path / f"{_fileio.TEMP_PREFIX}0123456789ab-old.csv"
    fresh = tmp_path / f"{_fileio.TEMP_PREFIX}ba9876543210-new.csv"
    other = tmp_path / ".hidden"
    old_tmp = tmp_path / ".chain.png.0123456789ab.tmp"  # the exporters' temporary files before this version
    old_csv = tmp_path / ".simlib-csv-k2j4_x9a"  # the command line's CSV folders before this version
    old_csv.mkdir()
    (old_csv / "result.csv").write_text("12 MB")
    for path in (stale, fresh, other, old_tmp):
        path.write_text("x")
    old = time.time() - _fileio.STALE_AFTER_S - 60
    for path in (stale, other, old_tmp, old_csv):
        os.utime(path, (old, old))
    save_scenario(Scenario(), tmp_path / "s.toml")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([fresh.name, other.name, "s.toml"])


def test_a_set_without_overwrite_is_all_or_nothing_when_a_file_appears_meanwhile(tmp_path, monkeypatch):
    # A second writer creates b.txt between the checks and the links: a.txt must not stay behind alone.
    real_link = os.link

    def racing_link(src, dst):
        if Path(dst).name == "b.txt":
            Path(dst).write_text("the other writer's")
        return real_link(src, dst)

    monkeypatch.setattr(os, "link", racing_link)
    items = [(tmp_path / "a.txt", lambda h: h.write(b"a")), (tmp_path / "b.txt", lambda h: h.write(b"b"))]
    with pytest.raises(ParameterError, match="b.txt: file already exists"):
        _fileio.atomic_write_set(items, overwrite=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.txt"]
    assert (tmp_path / "b.txt").read_text() == "the other writer's"


# -- D14/D15: the sampling interval and the sample-count limit ------------------------------------------------


@pytest.mark.parametrize("value", [np.float32(0.001), np.float32(1e-5), np.float32(0.01), 0.001, np.float64(0.002)])
def test_output_dt_accepts_low_precision_floats_in_range(value):
    from simlib.validation import check_output_dt

    assert check_output_dt(value, 3.0) == float(str(value))


@pytest.mark.parametrize("value", [0, -1, float("nan"), float("inf"), "0.001", None, True, np.array([0.001]), 0.02])
def test_output_dt_out_of_range_or_wrong_type(value):
    from simlib.validation import check_output_dt

    with pytest.raises(ParameterError, match=r"'output_dt_s' must be between 1e-05 and 0.01 s"):
        check_output_dt(value, 3.0)


def test_the_sample_limit_names_the_memory_and_the_shortest_interval():
    from simlib.validation import MAX_SAMPLES, check_output_dt

    assert check_output_dt(1e-5, 10.0) == 1e-5  # 1,000,001 samples: the limit
    assert check_output_dt(1e-4, 60.0) == 1e-4  # the longest lesson run
    with pytest.raises(ParameterError) as info:
        check_output_dt(1e-5, 60.0)  # audit D14: 6,000,001 samples, 1.5 GB
    message = str(info.value)
    assert "6,000,001 samples" in message and "1.4 GB" in message and f"{MAX_SAMPLES:,}" in message
    assert "output_dt_s >= 6e-05 s" in message
    assert check_output_dt(6e-5, 60.0) == 6e-5  # what the message suggests is accepted


def test_simulate_refuses_a_run_over_the_sample_limit(monkeypatch):
    import simlib.simulate as simulate_module

    def must_not_run(*args, **kwargs):
        raise AssertionError("simulate started a 1.5 GB run instead of refusing it")

    monkeypatch.setattr(simulate_module, "_run", must_not_run)
    with pytest.raises(ParameterError, match="samples"):
        simlib.simulate(Scenario(duration_s=60.0), output_dt_s=1e-5)


def test_simulate_accepts_a_float32_interval():
    res = simlib.simulate(Scenario(duration_s=0.05, drive_start_s=0.0), output_dt_s=np.float32(0.001))
    assert len(res.t) == 51


def test_an_interrupt_while_a_set_is_moved_into_place_still_leaves_a_whole_set(tmp_path, monkeypatch):
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_text("old")
    real_replace = os.replace
    calls = []

    def interrupted_after_the_first(src, dst):
        real_replace(src, dst)
        calls.append(dst)
        if len(calls) == 1:
            raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted_after_the_first)
    items = [(tmp_path / n, lambda h: h.write(b"new")) for n in ("a.txt", "b.txt", "c.txt")]
    with pytest.raises(KeyboardInterrupt):
        _fileio.atomic_write_set(items, overwrite=True)
    assert {p.name: p.read_text() for p in tmp_path.iterdir()} == {"a.txt": "new", "b.txt": "new", "c.txt": "new"}
