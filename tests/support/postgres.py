"""A throwaway PostgreSQL server for tests and benchmarks, started from the distribution's binaries.

Set LOYALTY_TEST_POSTGRES_URL to use a server of your own instead
(e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/postgres).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL binaries on this machine."""


@dataclass
class PostgresServer:
    url: str  # SQLAlchemy URL of the maintenance database `postgres`
    data_dir: Path | None = None
    _run_as: list[str] | None = None
    _bin: Path | None = None

    def url_for(self, database: str) -> str:
        base, _, _ = self.url.rpartition("/")
        return f"{base}/{database}"

    def stop(self) -> None:
        if self.data_dir is None or self._bin is None:
            return
        subprocess.run(
            [
                *(self._run_as or []),
                str(self._bin / "pg_ctl"),
                "-D",
                str(self.data_dir),
                "-m",
                "immediate",
                "stop",
            ],
            check=False,
            capture_output=True,
        )
        shutil.rmtree(self.data_dir.parent, ignore_errors=True)


def _binaries() -> Path:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version_key)
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise PostgresUnavailable("PostgreSQL is not installed (Debian: apt-get install postgresql)")


def _version_key(path: str) -> int:
    part = path.split("/")[4]
    return int(part) if part.isdigit() else 0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_postgres() -> PostgresServer:
    """Use LOYALTY_TEST_POSTGRES_URL, or start a private server on a free loopback port."""
    if url := os.environ.get("LOYALTY_TEST_POSTGRES_URL"):
        return PostgresServer(url=url)
    binaries = _binaries()
    root = Path(tempfile.mkdtemp(prefix="loyalty-pg-"))
    data_dir = root / "data"
    run_as: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        run_as = ["runuser", "-u", "postgres", "--"]
        os.chmod(root, 0o755)
        shutil.chown(root, "postgres", "postgres")
    subprocess.run(
        [
            *run_as,
            str(binaries / "initdb"),
            "-D",
            str(data_dir),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-sync",
            "--locale=C",
        ],
        check=True,
        capture_output=True,
    )
    port = _free_port()
    # Durability settings off: tests crash the bot, never the database server.
    options = (
        f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    )
    subprocess.run(
        [
            *run_as,
            str(binaries / "pg_ctl"),
            "-D",
            str(data_dir),
            "-o",
            options,
            "-w",
            "-l",
            str(root / "server.log"),
            "start",
        ],
        check=True,
        capture_output=True,
    )
    return PostgresServer(
        url=f"postgresql+asyncpg://postgres@127.0.0.1:{port}/postgres",
        data_dir=data_dir,
        _run_as=run_as,
        _bin=binaries,
    )
