"""The team deployment without containers, on loopback: a throwaway PostgreSQL cluster, the
OIDC mock identity provider, N app replicas sharing one ``cookie_secret`` and HAProxy in
front (session affinity, websocket upgrade, health checks, anti-framing headers). The same
topology as ``deploy/compose.yaml``; used by the browser tests and ``bench/bench_team.py``,
and by hand::

    python -m bench.team_topology        # prints the proxy URL; Ctrl-C stops everything

Installs nothing: it needs Debian's ``postgresql`` and ``haproxy`` (``.ci/run`` installs
them) and the project's Python dependencies. Every process it starts is stopped by its own
id when the context ends.
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench.browser_util import free_port

ROOT = Path(__file__).resolve().parent.parent
HAPROXY_TEMPLATE = ROOT / "deploy" / "haproxy.cfg"


def wait_http(url: str, timeout: float, proc: subprocess.Popen | None = None,
              log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
            raise RuntimeError(f"{url}: the process exited with {proc.returncode}\n{tail}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
    raise RuntimeError(f"{url} did not answer within {timeout:.0f}s\n{tail}")


def stop(proc: subprocess.Popen, timeout: float = 15) -> None:
    """Stop exactly this process (TERM, then KILL)."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=timeout)


# --- PostgreSQL --------------------------------------------------------------------------

def pg_bin() -> Path | None:
    """The folder of ``initdb``/``pg_ctl`` (``EXPOSURE_PG_BIN``, else the newest Debian one)."""
    env = os.environ.get("EXPOSURE_PG_BIN")
    if env:
        return Path(env) if (Path(env) / "pg_ctl").exists() else None
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                   key=lambda p: int(Path(p).parent.parent.name))
    if found:
        return Path(found[-1]).parent
    which = shutil.which("pg_ctl")
    return Path(which).parent if which else None


def _as_postgres(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@dataclass(frozen=True)
class PgServer:
    host: str
    port: int
    version: str
    data_dir: Path
    binaries: Path

    def url(self, dbname: str) -> str:
        return f"postgresql+psycopg://postgres@{self.host}:{self.port}/{dbname}"


def start_cluster(binaries: Path, max_connections: int = 200) -> PgServer:
    """initdb + pg_ctl start on a free loopback port (as ``postgres`` when run as root:
    initdb refuses root); stop it with :func:`stop_cluster`."""
    data = Path(tempfile.mkdtemp(prefix="exposure-pg-"))
    if os.geteuid() == 0:
        shutil.chown(data, "postgres", "postgres")
    subprocess.run(_as_postgres([str(binaries / "initdb"), "-D", str(data), "-U", "postgres",
                                 "--auth=trust", "-E", "UTF8", "--no-instructions"]),
                   check=True, capture_output=True, timeout=120)
    port = free_port()
    options = (f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={data} "
               "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
               f"-c max_connections={max_connections}")
    subprocess.run(_as_postgres([str(binaries / "pg_ctl"), "-D", str(data), "-w", "-t", "60",
                                 "-l", str(data / "server.log"), "-o", options, "start"]),
                   check=True, capture_output=True, timeout=90)
    version = (data / "PG_VERSION").read_text().strip()
    return PgServer("127.0.0.1", port, version, data, binaries)


def stop_cluster(server: PgServer) -> None:
    subprocess.run(_as_postgres([str(server.binaries / "pg_ctl"), "-D", str(server.data_dir),
                                 "-m", "immediate", "stop"]), capture_output=True, timeout=60)
    shutil.rmtree(server.data_dir, ignore_errors=True)


def create_database(server: PgServer, name: str) -> str:
    import psycopg

    with psycopg.connect(host=server.host, port=server.port, user="postgres",
                         dbname="postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return server.url(name)


# --- OIDC mock, replicas, proxy ------------------------------------------------------------

def start_oidc(port: int, log: Path, users: Sequence[str] = ()) -> subprocess.Popen:
    args = [sys.executable, "-m", "oidc_provider_mock", "-H", "127.0.0.1", "-p", str(port)]
    for claims in users:
        args += ["--user-claims", claims]
    with log.open("wb") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, cwd=log.parent)
    wait_http(f"http://127.0.0.1:{port}/.well-known/openid-configuration", 30, proc, log)
    return proc


def write_secrets(path: Path, origin: str, oidc_port: int, cookie_secret: str) -> Path:
    """A secrets.toml for st.login against the mock (never in the repository)."""
    path.write_text(
        "[auth]\n"
        f'redirect_uri = "{origin}/oauth2callback"\n'
        f'cookie_secret = "{cookie_secret}"\n'
        'client_id = "exposure"\n'
        'client_secret = "not-a-secret-for-the-mock"\n'
        f'server_metadata_url = "http://127.0.0.1:{oidc_port}/.well-known/openid-configuration"\n',
        encoding="utf-8")
    path.chmod(0o600)
    return path


def start_replica(port: int, env: dict[str, str], secrets_file: Path | None,
                  log: Path) -> subprocess.Popen:
    args = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
            "--server.headless", "true", "--server.address", "127.0.0.1",
            "--server.port", str(port), "--browser.gatherUsageStats", "false"]
    if secrets_file is not None:
        args += ["--secrets.files", str(secrets_file)]
    with log.open("wb") as out:
        return subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def haproxy_config(port: int, replica_ports: Sequence[int]) -> str:
    """``deploy/haproxy.cfg`` with loopback addresses instead of the compose service names."""
    text = HAPROXY_TEMPLATE.read_text()
    text = text.replace("bind :8080", f"bind 127.0.0.1:{port}")
    servers = "\n".join(f"    server app{i + 1} 127.0.0.1:{p} check cookie app{i + 1}"
                        for i, p in enumerate(replica_ports))
    start = text.index("    server app1 ")
    end = text.index("\n", text.rindex("    server app"))
    return text[:start] + servers + text[end:]


@dataclass
class Topology:
    url: str
    """The proxy's origin: what browsers open."""
    database_url: str
    replica_ports: list[int]
    replicas: list[subprocess.Popen]
    workdir: Path
    pg: PgServer | None = None
    env: dict[str, str] = field(default_factory=dict)
    secrets_file: Path | None = None

    def kill_replica(self, index: int) -> None:
        """Kill one replica hard (SIGKILL), as a crashed container would die."""
        proc = self.replicas[index]
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)

    def replica_log(self, index: int) -> str:
        return (self.workdir / f"replica{index + 1}.log").read_text(errors="replace")


@contextmanager
def team_topology(replicas: int = 3, *, oidc: bool = True, env: dict[str, str] | None = None,
                  oidc_users: Sequence[str] = (), database_url: str | None = None,
                  startup_timeout: float = 180.0) -> Iterator[Topology]:
    """Start the whole topology; yield it; stop everything it started.

    ``database_url``: use this database instead of starting a PostgreSQL cluster.
    """
    binaries = pg_bin()
    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    if not Path(haproxy).exists():
        raise RuntimeError("haproxy not found (apt-get install haproxy)")
    if database_url is None and binaries is None:
        raise RuntimeError("PostgreSQL server binaries not found (apt-get install postgresql)")
    workdir = Path(tempfile.mkdtemp(prefix="exposure-team-"))
    with ExitStack() as stack:
        stack.callback(shutil.rmtree, workdir, True)
        pg = None
        if database_url is None:
            assert binaries is not None
            pg = start_cluster(binaries)
            stack.callback(stop_cluster, pg)
            database_url = create_database(pg, "exposure")
        proxy_port = free_port()
        origin = f"http://127.0.0.1:{proxy_port}"
        secrets_file = None
        if oidc:
            oidc_port = free_port()
            mock = start_oidc(oidc_port, workdir / "oidc.log", oidc_users)
            stack.callback(stop, mock)
            secrets_file = write_secrets(workdir / "secrets.toml", origin, oidc_port,
                                         secrets.token_urlsafe(32))
        home = workdir / "home"
        home.mkdir()
        app_env = {**os.environ, "EXPOSURE_HOME": str(home), "EXPOSURE_OFFLINE": "1",
                   "EXPOSURE_DATABASE_URL": database_url, "PYTHONUNBUFFERED": "1",
                   "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false", **(env or {})}
        # Migrate once up front (replicas would also do it, under a lock).
        subprocess.run([sys.executable, "-m", "exposure.cli", "db", "upgrade"], cwd=ROOT,
                       env=app_env, check=True, capture_output=True, timeout=120)
        ports = [free_port() for _ in range(replicas)]
        procs: list[subprocess.Popen] = []
        for i, port in enumerate(ports):
            proc = start_replica(port, app_env, secrets_file, workdir / f"replica{i + 1}.log")
            procs.append(proc)
            stack.callback(stop, proc)
        for i, (port, proc) in enumerate(zip(ports, procs, strict=True)):
            wait_http(f"http://127.0.0.1:{port}/_stcore/health", startup_timeout, proc,
                      workdir / f"replica{i + 1}.log")
        cfg = workdir / "haproxy.cfg"
        cfg.write_text(haproxy_config(proxy_port, ports))
        with (workdir / "haproxy.log").open("wb") as out:
            proxy = subprocess.Popen([haproxy, "-f", str(cfg), "-db"], stdout=out,
                                     stderr=subprocess.STDOUT)
        stack.callback(stop, proxy)
        wait_http(f"{origin}/_stcore/health", 30, proxy, workdir / "haproxy.log")
        yield Topology(origin, database_url, ports, procs, workdir, pg, app_env, secrets_file)


def main() -> None:
    with team_topology(env={"EXPOSURE_DEFAULT_ROLE": "analyst"}) as topo:
        print(f"open {topo.url} (sign in with any e-mail at the mock provider); "
              f"database {topo.database_url}; Ctrl-C stops everything", flush=True)
        try:
            while all(p.poll() is None for p in topo.replicas):
                time.sleep(1)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
