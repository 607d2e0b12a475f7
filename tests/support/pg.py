"""A throwaway PostgreSQL server for the test session: every store test runs on SQLite and on PostgreSQL.

Why a real server and not a mock: the point is that the store's SQL, its migrations and its locking
behave the same on both engines; only the engine itself can say so.  The server lives in a temporary
folder (initdb + pg_ctl, `trust` authentication, a Unix socket only, fsync off: fast and private),
and each test gets its own schema (`search_path` in the URL), so tests never see each other's rows.

Binaries: `pg_ctl` / `initdb` on PATH, else the newest /usr/lib/postgresql/*/bin.  PostgreSQL refuses
to run as root; then the server runs as the `postgres` user (or `nobody`) through runuser.  No binaries:
the PostgreSQL half of the store tests is skipped — except under CI=true, where it fails
(`.ci/postgres-setup.sh` installs Debian's package first).
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import urllib.parse
from pathlib import Path

DB = "legality_test"


def find_bindir() -> Path | None:
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(os.path.realpath(found)).parent
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
                        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
    return candidates[-1].parent if candidates else None


def _run_as() -> str | None:
    """The user the server runs as when we are root (PostgreSQL refuses root)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise RuntimeError("running as root and neither a postgres nor a nobody user exists")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgServer:
    def __init__(self, bindir: Path):
        self.bindir = bindir
        self.user = _run_as()
        self.root = Path(tempfile.mkdtemp(prefix="legality-pg-"))
        self.data = self.root / "data"
        self.sock = self.root  # the socket's path must stay short (107 bytes)
        self.port = _free_port()
        self._n = itertools.count(1)
        self.started = False

    def _cmd(self, *args: str) -> list[str]:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        return ["runuser", "-u", self.user, "--", *cmd] if self.user else cmd

    def start(self) -> None:
        os.chmod(self.root, 0o755)
        if self.user:
            pw = pwd.getpwnam(self.user)
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
        env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
        subprocess.run(self._cmd("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
                                 "--encoding=UTF8", "--no-sync"),
                       check=True, capture_output=True, env=env, cwd=self.root)
        opts = (f"-k {self.sock} -p {self.port} -c listen_addresses='' -c fsync=off -c synchronous_commit=off"
                " -c full_page_writes=off -c max_connections=200")
        subprocess.run(self._cmd("pg_ctl", "-D", str(self.data), "-o", opts, "-l", str(self.root / "log"),
                                 "-w", "-t", "60", "start"),
                       check=True, capture_output=True, env=env, cwd=self.root)
        self.started = True
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {DB}")

    def url(self, database: str = DB, *, schema: str | None = None) -> str:
        query = {"host": str(self.sock), "port": str(self.port)}
        if schema:
            query["options"] = f"-csearch_path={schema}"
        return f"postgresql://postgres@/{database}?{urllib.parse.urlencode(query)}"

    def fresh(self, label: str = "t") -> str:
        """The URL of a new, empty schema of the test database: a store of its own."""
        import psycopg

        schema = f"{label}_{next(self._n)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        return self.url(schema=schema)

    def stop(self) -> None:
        if self.started:
            subprocess.run(self._cmd("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop"),
                           capture_output=True, cwd=self.root)
            self.started = False
        shutil.rmtree(self.root, ignore_errors=True)


def start() -> PgServer | str:
    """A running server, or why there is none (the caller skips, or fails under CI)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install -e '.[postgres]')"
    bindir = find_bindir()
    if bindir is None:
        return "no PostgreSQL binaries (initdb, pg_ctl) on PATH or in /usr/lib/postgresql/*/bin"
    server = PgServer(bindir)
    try:
        server.start()
    except (subprocess.CalledProcessError, OSError, RuntimeError) as e:
        detail = getattr(e, "stderr", b"") or b""
        log = server.root / "log"
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        server.stop()
        return f"PostgreSQL did not start: {e} {detail.decode(errors='replace')[-2000:]} {tail}"
    return server


def _schema(url: str) -> str:
    return urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["options"][0].split("search_path=", 1)[1]


def clone(server: PgServer, url: str) -> str:
    """A copy of the store at `url` (a schema of the test database) in a new schema: what copying the
    file is for a SQLite store (tests that start several runs from one baseline)."""
    target_url = server.fresh("copy")
    copy_into(server, url, target_url)
    return target_url


def copy_into(server: PgServer, url: str, target_url: str) -> None:
    """Every table of the store at `url` into the (empty) schema of `target_url`: rows, indexes,
    constraints, and identity sequences set past the copied ids."""
    import psycopg

    source, target = _schema(url), _schema(target_url)
    with psycopg.connect(server.url(), autocommit=True) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s AND table_type = 'BASE TABLE'",
            (source,))]
        with conn.transaction():
            for t in tables:
                conn.execute(f'CREATE TABLE {target}."{t}" (LIKE {source}."{t}" INCLUDING ALL)')
                conn.execute(f'INSERT INTO {target}."{t}" SELECT * FROM {source}."{t}"')
                has_id = conn.execute("SELECT 1 FROM information_schema.columns WHERE table_schema = %s"
                                      " AND table_name = %s AND column_name = 'id'", (target, t)).fetchone()
                seq = has_id and conn.execute("SELECT pg_get_serial_sequence(%s, 'id')",
                                              (f'{target}."{t}"',)).fetchone()
                if seq and seq[0]:
                    conn.execute(f'SELECT setval(%s, coalesce((SELECT max(id) FROM {target}."{t}"), 0) + 1, false)',
                                 (seq[0],))
