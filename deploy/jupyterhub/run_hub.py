"""`make hub`: JupyterHub on this machine with the class's answers in a PostgreSQL of its own.

Starts PostgreSQL in ``HUB_RUN_DIR/postgres`` (unless ``APP_STORE`` names a database already),
makes the class code and the instructor's code (unless ``CLASS_CODE``/``INSTRUCTOR_CODE`` are
set), prints them with the instructor's link, runs JupyterHub with ``jupyterhub_config.py``
beside this file, and stops PostgreSQL when the hub stops (Ctrl-C).
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from local_postgres import LocalPostgres  # noqa: E402


def _code(name: str, words: int) -> str:
    return os.environ.get(name) or secrets.token_hex(words)


def main() -> int:
    env = dict(os.environ)
    run_dir = Path(env.setdefault("HUB_RUN_DIR", "build/hub")).resolve()
    run_dir.mkdir(parents=True, exist_ok=True)
    database = None
    if not env.get("APP_STORE"):
        database = LocalPostgres(run_dir / "postgres", int(env.get("HUB_PG_PORT", "5433")))
        env["APP_STORE"] = database.start().url
    env["CLASS_CODE"], env["INSTRUCTOR_CODE"] = _code("CLASS_CODE", 3), _code("INSTRUCTOR_CODE", 8)
    env.setdefault("APP_INSTRUCTOR_TOKEN", secrets.token_urlsafe(18))
    where = f"http://{env.get('HUB_IP', '127.0.0.1')}:{env.get('HUB_PORT', '8000')}"
    print(f"\n    The class:        {where}/  (a nickname and the class code {env['CLASS_CODE']})"
          f"\n    Instructors:      log in with any nickname and the code {env['INSTRUCTOR_CODE']}"
          f"\n    Instructor's view: {where}/services/class/instructor?token="
          f"{env['APP_INSTRUCTOR_TOKEN']}\n    (keep the last two to yourself)\n", flush=True)
    hub = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f",
                            str(HERE / "jupyterhub_config.py")], env=env)
    try:
        return hub.wait()
    except KeyboardInterrupt:
        hub.send_signal(signal.SIGINT)
        return hub.wait()
    finally:
        if database is not None:
            database.stop()


if __name__ == "__main__":
    sys.exit(main())
