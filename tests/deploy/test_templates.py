"""The deployment templates keep their security promises (TOR-03, RET-03)."""

import re
from pathlib import Path

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def test_onion_service_targets_loopback_only():
    """TOR-03: every HiddenServicePort points at 127.0.0.1 or a unix socket, never a routable address."""
    targets = re.findall(
        r"^HiddenServicePort\s+\d+\s+(\S+)", (DEPLOY / "torrc").read_text(), re.MULTILINE
    )

    assert targets
    for target in targets:
        assert target.startswith(("127.0.0.1:", "unix:")), target


def test_access_logs_hold_no_client_address():
    """RET-03: no nginx log format records $remote_addr or forwarded addresses."""
    config = (DEPLOY / "nginx.conf").read_text()

    assert "$remote_addr" not in config
    assert "$http_x_forwarded_for" not in config
    assert "$proxy_add_x_forwarded_for" not in config


def test_clearnet_site_advertises_its_onion():
    """TOR-03: clearnet responses carry Onion-Location."""
    assert "Onion-Location" in (DEPLOY / "nginx.conf").read_text()


def test_gunicorn_logs_no_address_and_listens_on_loopback():
    """RET-03: the unit's gunicorn access-log format has no %(h)s and binds to loopback."""
    unit = (DEPLOY / "haven.service").read_text()

    assert "%(h)s" not in unit and "%%(h)s" not in unit
    assert "--bind 127.0.0.1:" in unit


def test_the_portal_onion_serves_only_the_portal():
    """Issue 14: staff pages are unreachable through the defenders' onion, which is rate-limited."""
    config = (DEPLOY / "nginx.conf").read_text()
    portal_server = config[config.index("listen 127.0.0.1:8081;") :]
    proxied = re.findall(r"location\s+(\S+)\s*\{[^}]*proxy_pass", portal_server)

    assert proxied == ["/portal/"]
    assert "limit_req zone=haven_portal" in portal_server
    assert "127.0.0.1:8081" in (DEPLOY / "torrc").read_text()


def test_access_logs_hold_no_query_strings():
    """Issue 11 item 6: access logs keep the path only, never the query or the raw request line."""
    nginx = (DEPLOY / "nginx.conf").read_text()
    formats = re.findall(r"log_format\s+\S+\s+([^;]+);", nginx)
    service = (DEPLOY / "haven.service").read_text()
    gunicorn_format = re.search(r'--access-logformat\s+"([^"]+)"', service)

    assert formats and gunicorn_format
    for variable in ("$request ", "$request_uri", "$args", "$query_string", "$arg_"):
        assert all(variable not in log_format + " " for log_format in formats), variable
    for atom in ("%(r)s", "%(q)s", "%(f)s", "%(h)s", "%(u)s"):
        assert atom.replace("%", "%%") not in gunicorn_format.group(1), atom


def test_the_worker_unit_runs_the_worker_with_the_web_units_confinement():
    """Issue 11: failed file deletions are retried only where a worker runs; deploy/ ships its unit."""
    web = (DEPLOY / "haven.service").read_text()
    worker = (DEPLOY / "haven-worker.service").read_text()

    assert "/srv/haven/.venv/bin/haven worker" in worker
    for line in web.splitlines():
        if line.startswith(
            ("LoadCredential=", "ProtectSystem=", "ReadWritePaths=", "User=", "NoNewPrivileges=")
        ):
            assert line in worker.splitlines(), line
