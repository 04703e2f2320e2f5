"""core.supervise: a command that dies is started again; SIGTERM ends the command and the supervision."""

import signal
import subprocess
import sys
import time

CHILD = """
import pathlib, sys, time
runs = pathlib.Path(sys.argv[1])
runs.write_text(runs.read_text() + "x" if runs.exists() else "x")
if len(runs.read_text()) == 1:
    sys.exit(3)  # the first run crashes
time.sleep(60)  # the second one stays up
"""


def test_a_crashed_command_is_started_again_and_sigterm_stops_both(tmp_path, monkeypatch):
    runs = tmp_path / "runs"
    supervisor = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import core.supervise as s; s.SLOW_RESTART = 0.1; import sys; sys.exit(s.supervise(sys.argv[1:]))",
            sys.executable,
            "-c",
            CHILD,
            str(runs),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and (not runs.exists() or len(runs.read_text()) < 2):
        time.sleep(0.05)
    assert runs.read_text() == "xx"  # crashed once, started again
    supervisor.send_signal(signal.SIGTERM)
    out, _ = supervisor.communicate(timeout=20)
    assert "exited with 3; starting it again" in out
    assert supervisor.returncode != 0  # the command was ended by the signal, and so was the supervision
