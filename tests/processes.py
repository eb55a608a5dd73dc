"""Running ketaref in a child process as a clinic's machine would: as a user, ended mid-write."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

#: Python code that holds the first fsync of a file in the folder ``sys.argv[1]`` until a signal
#: comes, after saying "temporary written": a logout meeting a write, made deterministic. It
#: waits on the signal wake-up pipe, not ``signal.pause()``: a signal that arrives between the
#: line and the wait (a loaded machine) is then not missed, and the handler runs on the loop.
_HOLD_WRITES = """
import os, select, signal, sys

_out_dir, _real_fsync = sys.argv[1], os.fsync
# Ctrl-C as in a terminal, even when the test runner was started where SIGINT is ignored (a
# background job of a shell), which a child would otherwise inherit.
signal.signal(signal.SIGINT, signal.default_int_handler)
_woken, _wake = os.pipe()
os.set_blocking(_wake, False)
signal.set_wakeup_fd(_wake)

def _held_fsync(fd):
    if os.readlink(f"/proc/self/fd/{fd}").startswith(_out_dir + "/"):
        os.fsync = _real_fsync
        print("temporary written", flush=True)
        while True:
            select.select([_woken], [], [])
            os.read(_woken, 64)
    _real_fsync(fd)

os.fsync = _held_fsync
"""

needs_proc = pytest.mark.skipif(
    not Path("/proc/self/fd").is_dir(), reason="needs /proc to hold the write"
)


def end_a_held_write(code: str, out_dir: Path, signum: int, *args: str) -> tuple[int, str]:
    """Run ``code`` (``sys.argv[1]`` is ``out_dir``, then ``args``) with its write into
    ``out_dir`` held; once the temporary file is written, send ``signum``.

    Returns the exit status and stderr. Asserts the temporary file existed at that moment.
    """
    with subprocess.Popen(
        [sys.executable, "-c", _HOLD_WRITES + code, str(out_dir), *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=os.environ | {"QT_QPA_PLATFORM": "offscreen"},
    ) as process:  # fmt: skip
        try:
            assert process.stdout is not None
            assert process.stdout.readline() == "temporary written\n"
            assert [p.suffix for p in out_dir.iterdir()] == [".part"]
            process.send_signal(signum)
            _, stderr = process.communicate(timeout=60)
        finally:
            if process.poll() is None:  # a failed test leaves no child behind
                process.kill()
    return process.returncode, stderr


def as_a_user() -> tuple[str, ...]:
    """A command prefix that drops root's power over file modes, so an unreadable file is one."""
    if os.geteuid() != 0:
        return ()
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: file modes cannot be tested")
    return (setpriv, "--bounding-set=-dac_override,-dac_read_search")
