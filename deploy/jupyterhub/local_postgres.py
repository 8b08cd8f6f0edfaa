"""A PostgreSQL of its own for the class's answers, in a folder, for `make hub` and the tests.

Debian's server binaries (``/usr/lib/postgresql/*/bin``, package ``postgresql``) run from a data
folder made here, listening on 127.0.0.1 only, with a password. PostgreSQL refuses to run as
root: as root, the folder is given to ``nobody`` and the server runs as that user.

    python deploy/jupyterhub/local_postgres.py build/hub/postgres 5433   # prints APP_STORE's URL
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

DATABASE = "class"


def postgres_bin() -> Path:
    """The newest of Debian's PostgreSQL binary folders (or ``pg_ctl``'s on PATH)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                   key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    if shutil.which("pg_ctl"):
        return Path(shutil.which("pg_ctl")).parent
    raise FileNotFoundError("PostgreSQL's server is not installed: apt-get install postgresql "
                            "(make hub does it when it may)")


def _as_server_user() -> dict:
    """``subprocess`` arguments that run a command as an unprivileged user when we are root."""
    if os.geteuid() != 0:
        return {}
    nobody = pwd.getpwnam("nobody")
    return {"user": nobody.pw_uid, "group": nobody.pw_gid, "extra_groups": []}


def _run(args: list, **kwargs) -> None:
    done = subprocess.run([str(a) for a in args], stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, **_as_server_user(), **kwargs)
    if done.returncode:
        raise RuntimeError(f"{Path(str(args[0])).name} failed ({done.returncode}): "
                           f"{done.stderr.strip()[-2000:]}")


def _reachable_by_others(folder: Path) -> bool:
    return all(os.stat(p).st_mode & 0o001 for p in [folder, *folder.parents])


class LocalPostgres:
    """A PostgreSQL server in ``folder`` on 127.0.0.1:``port``; :attr:`url` is APP_STORE's."""

    def __init__(self, folder: str | Path, port: int) -> None:
        self.folder, self.port = Path(folder).resolve(), int(port)
        self.data = self.folder / "data"
        self.bin = postgres_bin()
        self.password_file = self.folder / "password"

    @property
    def url(self) -> str:
        password = self.password_file.read_text().strip()
        return f"postgresql+psycopg://{DATABASE}:{password}@127.0.0.1:{self.port}/{DATABASE}"

    def start(self) -> "LocalPostgres":
        """Make the cluster (first time only), start the server and wait until it answers."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self.folder.chmod(0o711)
        if _as_server_user() and not _reachable_by_others(self.folder):
            raise PermissionError(f"{self.folder}: PostgreSQL runs as 'nobody' here and cannot "
                                  "reach this folder (a parent is not o+x): pick another")
        if not (self.data / "PG_VERSION").exists():
            self._initdb()
        log = self.folder / "postgres.log"
        log.touch()
        self._own(log)
        _run([self.bin / "pg_ctl", "start", "-w", "-t", "60", "-D", self.data, "-l", log,
              "-o", f"-h 127.0.0.1 -p {self.port} -k {self.data} -c max_connections=200"])
        return self

    def _initdb(self) -> None:
        password = secrets.token_urlsafe(18)
        self.password_file.write_text(password + "\n")
        self.password_file.chmod(0o600)
        secret = self.folder / "initdb-password"
        secret.write_text(password + "\n")
        self._own(secret)
        self.data.mkdir(exist_ok=True)
        self._own(self.data)
        try:
            _run([self.bin / "initdb", "-D", self.data, "-U", DATABASE, "--pwfile", secret,
                  "--auth=scram-sha-256", "-E", "UTF8", "--locale=C"])
        finally:
            secret.unlink()
        # the database the store lives in, created by its owner through the local socket
        self._single_user_create()

    def _single_user_create(self) -> None:
        _run([self.bin / "pg_ctl", "start", "-w", "-D", self.data, "-o",
              f"-h '' -k {self.data} -p {self.port}"])
        try:
            env = {**os.environ, "PGPASSWORD": self.password_file.read_text().strip()}
            _run([self.bin / "createdb", "-h", self.data, "-p", self.port, "-U", DATABASE,
                  DATABASE], env=env)
        finally:
            _run([self.bin / "pg_ctl", "stop", "-w", "-m", "fast", "-D", self.data])

    def _own(self, path: Path) -> None:
        ids = _as_server_user()
        if ids:
            os.chown(path, ids["user"], ids["group"])

    def stop(self) -> None:
        """Stop the server (fast: open connections are closed); the data stays."""
        if (self.data / "postmaster.pid").exists():
            _run([self.bin / "pg_ctl", "stop", "-w", "-m", "fast", "-D", self.data])


def main(argv: list[str]) -> None:
    folder, port = argv[0], int(argv[1]) if len(argv) > 1 else 5433
    server = LocalPostgres(folder, port).start()
    print(server.url)


if __name__ == "__main__":
    main(sys.argv[1:])
