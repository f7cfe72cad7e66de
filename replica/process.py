"""Runs the replica in a subprocess, for tests and demonstrations."""

import json
import os
import queue
import re
import subprocess
import sys
import tempfile
import threading
import urllib.request
from pathlib import Path
from types import TracebackType

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SERVING_LINE = re.compile(r"^replica serving on (http://\S+) ")
# The sites served under a prefix of their own.
SOCIAL_SITES = ("telegram", "instagram", "facebook", "amanat")


class ReplicaProcess:
    """`python -m replica serve --port 0 ...` as a context manager.

    with ReplicaProcess(faults="flaky") as replica:
        urllib.request.urlopen(replica.url + "/api/core/deputies/")
        urllib.request.urlopen(replica.urls["telegram"] + "/s/kuspan_abzal")
    """

    def __init__(
        self,
        *,
        dataset: str | Path | None = None,
        faults: str = "none",
        startup_timeout: float = 20.0,
    ) -> None:
        self.args = ["--faults", faults]
        if dataset is not None:
            self.args += ["--dataset", str(dataset)]
        self.startup_timeout = startup_timeout
        self.url = ""
        self._process: subprocess.Popen[str] | None = None

    def __enter__(self) -> "ReplicaProcess":
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        """Start the server and wait for the line that gives its URL."""
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")])
        )
        # Kept open while the server runs, to report why it died; stop() closes it.
        self._stderr = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115
        command = [sys.executable, "-m", "replica", "serve", "--port", "0", *self.args]
        self._process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=self._stderr, text=True, env=env
        )
        lines: queue.Queue[str] = queue.Queue()
        stdout = self._process.stdout
        threading.Thread(
            target=lambda: lines.put(stdout.readline()), daemon=True
        ).start()
        try:
            line = lines.get(timeout=self.startup_timeout)
        except queue.Empty:
            line = ""
        match = SERVING_LINE.match(line)
        if match is None:
            self._process.kill()
            self._process.wait()
            self._stderr.seek(0)
            error = self._stderr.read().strip()
            self.stop()
            raise RuntimeError(f"replica did not start ({' '.join(command)}): {error}")
        self.url = match.group(1)

    def stop(self) -> int | None:
        """Stop the server (SIGTERM, then SIGKILL after 10 s); its exit status."""
        if self._process is None:
            return None
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process.stdout.close()
        self._stderr.close()
        status, self._process = self._process.returncode, None
        return status

    @property
    def urls(self) -> dict[str, str]:
        """The base URL of each site: the Mazhilis at the root, the others under
        their prefixes (`{"telegram": "http://127.0.0.1:PORT/telegram", ...}`)."""
        return {
            "mazhilis": self.url,
            **{site: f"{self.url}/{site}" for site in SOCIAL_SITES},
        }

    def stats(self) -> dict:
        """GET /__replica__/stats."""
        with urllib.request.urlopen(self.url + "/__replica__/stats") as response:
            return json.load(response)

    def reset(self) -> None:
        """POST /__replica__/reset: zero the stats and the fault attempts."""
        request = urllib.request.Request(self.url + "/__replica__/reset", method="POST")
        urllib.request.urlopen(request).close()
