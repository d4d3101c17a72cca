"""The example deployment under deploy/ works as written: HAProxy accepts its config, and
the PostgreSQL role and database it makes are enough for briefing to make its schema."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefing.store.statestore import STATE, Store
from tests.haproxytools import HAPROXY, require_haproxy
from tests.pgtools import PostgresCluster, running_cluster

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


@pytest.fixture(scope="module")
def cluster() -> Iterator[PostgresCluster]:
    yield from running_cluster()


def test_the_haproxy_config_is_valid() -> None:
    require_haproxy()
    assert HAPROXY
    done = subprocess.run([HAPROXY, "-c", "-f", str(DEPLOY / "haproxy.cfg")],
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    text = (DEPLOY / "haproxy.cfg").read_text()
    assert "mode tcp" in text and "send-proxy-v2" in text and "check" in text


def test_the_role_and_database_are_enough_for_the_store(cluster: PostgresCluster) -> None:
    psql = cluster.bin / "psql"
    done = subprocess.run(
        [str(psql), "-v", "ON_ERROR_STOP=1", "-v", "password='not-this-one'", "-X", "-q",
         "-d", cluster.url(), "-f", str(DEPLOY / "postgres.sql")],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    from briefing.store.pgstore import PostgresEngine

    url = f"postgresql://briefing:not-this-one@127.0.0.1:{cluster.port}/briefing"
    store = Store(lambda: PostgresEngine(url, "ssh:abc"), exists=lambda: True)
    try:
        store.save(STATE, "story", b"{}")  # as the role: the schema is made and migrated
        assert store.load(STATE, "story") is not None
    finally:
        store.close()


def test_every_backend_unit_shares_key_and_database() -> None:
    unit = (DEPLOY / "briefing@.service").read_text()
    assert "--host-key /etc/briefing/ssh_host_ed25519_key" in unit
    assert "--proxy-protocol" in unit and "EnvironmentFile=/etc/briefing/serve.env" in unit
    assert "BRIEFING_STATE_URL" in unit
