"""Run a command and start it again whenever it dies: ``python -m core.supervise celery -A config worker``.

``make run`` runs its worker and beat under it (Procfile), so a worker that crashes (a broker that vanished
mid-reconnect, ``kill -9``) is back within seconds, not when someone notices. In production the process
manager does this (systemd ``Restart=always``, a container restart policy: docs/operations.md). SIGTERM
and SIGINT are passed to the command and end the supervision.
"""

import signal
import subprocess
import sys
import time

QUICK_RESTART = 1.0  # seconds before starting it again
SLOW_RESTART = 5.0  # ... when it died within CRASH_LOOP seconds of starting: a crash loop is slowed down
CRASH_LOOP = 10.0


def supervise(argv: list[str]) -> int:
    state = {"stopping": False, "child": None}

    def stop(signum, frame):
        state["stopping"] = True
        if state["child"] is not None:
            state["child"].send_signal(signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while True:
        started = time.monotonic()
        state["child"] = subprocess.Popen(argv)
        code = state["child"].wait()
        if state["stopping"]:
            return code
        delay = SLOW_RESTART if time.monotonic() - started < CRASH_LOOP else QUICK_RESTART
        print(f"supervise: {' '.join(argv[:4])} exited with {code}; starting it again in {delay:g} s", flush=True)
        time.sleep(delay)
        if state["stopping"]:
            return code


if __name__ == "__main__":
    sys.exit(supervise(sys.argv[1:]))
