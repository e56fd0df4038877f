"""A real `veritasad worker` subprocess for tests: started, waited for, stopped or killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
JOBS_DIR = Path(__file__).resolve().parent / "core"  # holds platform_jobs.py, the tests' own tasks


class WorkerProcess:
    def __init__(
        self,
        log_dir: Path,
        env: dict[str, str] | None = None,
        include: list[str] | None = None,
        queues: str = "media,default",
        name: str | None = None,
        ready_timeout: float = 90.0,
    ) -> None:
        self.env = env or {}
        self.include = include if include is not None else ["platform_jobs"]
        self.queues = queues
        self.name = name or f"test-{os.getpid()}-{time.monotonic_ns()}"
        self.log_path = log_dir / f"{self.name}.log"
        self.ready_timeout = ready_timeout
        self.proc: subprocess.Popen[bytes] | None = None
        log_dir.mkdir(parents=True, exist_ok=True)

    def start(self) -> None:
        env = {**os.environ, **self.env}
        env["PYTHONPATH"] = os.pathsep.join([str(JOBS_DIR), str(ROOT), env.get("PYTHONPATH", "")])
        cmd = [sys.executable, "-m", "veritasad.cli", "worker", f"--queues={self.queues}",
               f"--hostname={self.name}@%h"]
        for module in self.include:
            cmd.append(f"--include={module}")
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + self.ready_timeout
        while time.monotonic() < deadline:
            if "worker ready" in self.log_path.read_text(errors="replace")[offset:]:
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        tail = self.log_path.read_text(errors="replace")[-3000:]
        self.stop()
        raise RuntimeError(f"worker did not become ready; log tail:\n{tail}")

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL: no warm shutdown, no chance to ack or requeue anything."""
        if self.alive():
            assert self.proc is not None
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.alive():
            assert self.proc is not None
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")
