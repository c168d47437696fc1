"""The deployment files: the compose file validates, scales the way it says, and every command
an image or Procfile line runs exists in the code."""

from __future__ import annotations

import importlib.util
import shlex
import shutil
import subprocess
from pathlib import Path

import yaml
from click.testing import CliRunner

from app.cli import main as weaver_cli

ROOT = Path(__file__).resolve().parents[2]


def compose_config() -> dict:
    """`docker compose config` (v2 plugin); Debian's docker-compose 1.29 validates the same file
    where the plugin is not installed."""
    if subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        command = ["docker", "compose"]
    else:
        assert shutil.which("docker-compose"), "neither `docker compose` nor docker-compose is installed"
        command = ["docker-compose"]
    done = subprocess.run([*command, "--env-file", ".env.example", "config"], cwd=ROOT, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr
    return yaml.safe_load(done.stdout)


def command_exists(argv: list[str]) -> bool:
    if argv[0] == "weaver":
        words = [w for w in argv[1:] if not w.startswith("-") and "$" not in w][:2]
        result = CliRunner().invoke(weaver_cli, [*words[:1], "--help"])
        if result.exit_code != 0:
            return False
        group = weaver_cli.get_command(None, words[0])  # type: ignore[arg-type]
        return not hasattr(group, "commands") or len(words) < 2 or words[1] in group.commands
    if argv[:2] == ["python", "-m"]:
        return importlib.util.find_spec(argv[2]) is not None
    return shutil.which(argv[0]) is not None or argv[0] in ("redis-server", "pg_isready", "redis-cli", "wget")


def test_the_compose_file_validates_and_scales_as_designed() -> None:
    config = compose_config()
    services = config["services"]
    assert set(services) == {"postgres", "redis", "migrate", "web", "backtest", "live", "scheduler", "ui"}
    assert services["live"]["deploy"]["replicas"] == 1
    assert services["scheduler"]["deploy"]["replicas"] == 1
    backtest = services["backtest"]
    assert "container_name" not in backtest and "ports" not in backtest  # `--scale backtest=4` works
    assert backtest["command"][:4] == ["weaver", "worker", "--queues", "backtest"]
    assert services["live"]["command"] == ["weaver", "worker", "--queues", "live", "--processes", "1", "--threads", "1"]
    for name, service in services.items():
        assert "healthcheck" in service, f"{name} has no healthcheck"
        assert service.get("restart", "").startswith("on-failure"), f"{name} does not restart on failure"
    assert services["web"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert "pgdata" in config["volumes"]
    environment = services["web"]["environment"]
    assert "WEAVER_ALPACA_PAPER_KEY_ID" in environment and "WEAVER_ALPACA_LIVE_KEY_ID" in environment


def test_every_command_the_images_and_healthchecks_run_exists_in_the_code() -> None:
    services = compose_config()["services"]
    for name, service in services.items():
        if "command" in service and name not in ("redis",):
            assert command_exists(service["command"]), f"{name}: {service['command']}"
        test = service["healthcheck"]["test"]
        if test[0] == "CMD":
            assert command_exists(test[1:]), f"{name} healthcheck: {test}"
    assert (ROOT / "Dockerfile").exists() and (ROOT / "ui" / "Dockerfile").exists()


def test_every_procfile_line_runs_an_existing_command_and_live_is_pinned() -> None:
    lines = dict(line.split(":", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line.strip())
    assert set(lines) == {"web", "backtest", "live", "scheduler"}
    for name, command in lines.items():
        assert command_exists(shlex.split(command.strip())), f"Procfile {name}: {command}"
    assert "--processes 1 --threads 1" in lines["live"]
