"""The deployment files: the compose file validates, scales the way it says and passes every setting;
every command the Procfile, the compose services and the Dockerfiles run parses against the real
`weaver` click tree or is a program its image ships."""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path

import click
import pytest
import yaml
from pydantic import SecretStr

from app.config import Settings, load_settings

ROOT = Path(__file__).resolve().parents[2]
# What the official images ship: the postgres and redis images bundle their client tools, python
# images python and pip; Alpine images add busybox's sh and wget.
BASE_IMAGE_PROGRAMS = {
    "postgres": {"postgres", "pg_isready", "psql"}, "redis": {"redis-server", "redis-cli"},
    "python": {"python", "python3", "pip"}, "nginx": {"nginx"}, "node": {"node", "npm"},
}
ALPINE_PROGRAMS = {"sh", "wget"}
SHELL_OPERATORS = {"&&", "||", ";", "|"}
# Compose runs Postgres and serves the UI from nginx, so it passes neither of these.
NOT_IN_COMPOSE = {"WEAVER_DATA_DIR", "WEAVER_UI_DIST"}
# Compose points these at its own services or pins them; the rest must default as the code does.
PINNED_BY_COMPOSE = {"database_url", "redis_url", "broker", "api_token", "log_format"}


def weaver_group() -> click.Command:
    """The click group behind the `weaver` console script of pyproject.toml."""
    target = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]["weaver"]
    module, attribute = target.split(":")
    return getattr(importlib.import_module(module), attribute)


def parse_weaver(args: list[str]) -> click.Context:
    """Resolve `weaver ARGS` down to its sub-command and parse every option and value with click,
    invoking nothing. Raises click's UsageError on an unknown command or option or a bad value."""
    command, name, parent = weaver_group(), "weaver", None
    while True:
        ctx = command.make_context(name, list(args), parent=parent)
        if not isinstance(command, click.Group):
            return ctx
        # A group stops parsing at its sub-command's name; ctx.args holds what follows it.
        sub_name, sub, args = command.resolve_command(ctx, args[len(args) - len(ctx.args) - 1:])
        assert sub is not None and sub_name is not None
        command, name, parent = sub, sub_name, ctx


def with_defaults(text: str) -> str:
    """What a shell makes of ${X:-y} and ${X-y} when X is unset; a reference without one fails."""
    def default(match: re.Match[str]) -> str:
        name, operation = match["name"] or match["bare"], match["operation"] or ""
        assert operation.startswith((":-", "-")), f"${name} in {text!r} has no default"
        return operation.removeprefix(":").removeprefix("-")
    return re.sub(r"\$\{(?P<name>\w+)(?P<operation>[^}]*)\}|\$(?P<bare>\w+)", default, text)


def shell_words(text: str) -> list[str]:
    """The first command of a shell line, after variable expansion."""
    words = shlex.split(with_defaults(text))
    return words[:next((i for i, w in enumerate(words) if w in SHELL_OPERATORS), len(words))]


@dataclass(frozen=True)
class Image:
    name: str
    dockerfile: Path | None = None  # set for the images we build

    def final_stage(self) -> str:
        assert self.dockerfile is not None
        return re.split(r"(?im)^FROM\s+", self.dockerfile.read_text().replace("\\\n", " "))[-1]

    def provides(self, program: str) -> bool:
        base = self.final_stage().split()[0] if self.dockerfile else self.name
        repository, _, tag = base.partition(":")
        programs = BASE_IMAGE_PROGRAMS.get(repository.rsplit("/", 1)[-1], set())
        programs |= ALPINE_PROGRAMS if "alpine" in tag else set()
        if self.dockerfile:
            stage = self.final_stage()
            for installed in re.findall(r"(?:apt-get install|apk add)((?:\s+[\w.+-]+)+)", stage):
                programs |= {word for word in installed.split() if not word.startswith("-")}
            if re.search(r"pip install[^\n]*\s\.(\s|$)", stage):  # the project, with its console script
                programs.add("weaver")
        return program in programs

    def holds_package(self, package: str) -> bool:
        for line in re.findall(r"(?im)^COPY\s+(.*)$", self.final_stage()):
            sources = [word.rstrip("/") for word in line.split()[:-1] if not word.startswith("--")]
            if package in sources or "." in sources:
                return True
        return False


def assert_runs(argv: list[str], image: Image | None, where: str) -> None:
    """`weaver ...` must parse; `python -m X` must name a module the image holds; anything else must
    be a program the image ships (or, with no image, one on this machine's PATH)."""
    program, *args = argv
    assert image is None or image.provides(program), f"{where}: {image.name} has no {program!r}"
    if program == "weaver":
        try:
            parse_weaver(args)
        except click.ClickException as exc:
            raise AssertionError(f"{where}: {shlex.join(argv)}: {exc.format_message()}") from exc
        except click.exceptions.Exit as exc:  # --help or --version
            raise AssertionError(f"{where}: {shlex.join(argv)} exits before running anything") from exc
    elif program.startswith("python") and args[:1] == ["-m"]:
        assert importlib.util.find_spec(args[1]) is not None, f"{where}: no module {args[1]}"
        assert image is None or image.holds_package(args[1].split(".")[0]), f"{where}: {args[1]} not copied"
    elif image is None:
        assert shutil.which(program), f"{where}: {program} is not installed"


def compose_config(env_file: Path = ROOT / ".env.example", environ: dict[str, str] | None = None) -> dict:
    """`docker compose config` (v2 plugin); Debian's docker-compose 1.29 validates the same file
    where the plugin is not installed."""
    if subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        command = ["docker", "compose"]
    else:
        assert shutil.which("docker-compose"), "neither `docker compose` nor docker-compose is installed"
        command = ["docker-compose"]
    done = subprocess.run([*command, "--env-file", str(env_file), "config"], cwd=ROOT, capture_output=True,
                          text=True, env=environ)
    assert done.returncode == 0, done.stderr
    return yaml.safe_load(done.stdout)


def service_image(service: dict) -> Image:
    if "build" not in service:
        return Image(service["image"])
    build = service["build"]
    return Image(service["image"], ROOT / build["context"] / build.get("dockerfile", "Dockerfile"))


def procfile_commands(text: str) -> dict[str, list[str]]:
    """Each Procfile line's command, as the shell that runs it would split it."""
    lines = (line.split(":", 1) for line in text.splitlines() if line.strip())
    return {name.strip(): shell_words(command) for name, command in lines}


def dockerfile_commands(image: Image) -> dict[str, list[str]]:
    """The final stage's start command (ENTRYPOINT + CMD) and HEALTHCHECK, each as Docker runs it:
    the JSON form verbatim, the shell form through sh."""
    found: dict[str, list[str]] = {}
    for instruction, rest in re.findall(r"(?im)^(CMD|ENTRYPOINT|HEALTHCHECK)\s+(.*)$", image.final_stage()):
        if instruction.upper() == "HEALTHCHECK":
            rest = re.sub(r"^(--\S+\s+)*", "", rest)
            if rest.upper().startswith("NONE"):
                continue
            rest = rest[len("CMD"):].strip()
        found[instruction.upper()] = json.loads(rest) if rest.startswith("[") else shell_words(rest)
    start = found.pop("ENTRYPOINT", []) + found.pop("CMD", [])
    return {**found, **({"CMD": start} if start else {})}


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


def test_every_setting_is_documented_and_compose_passes_it_with_the_code_defaults(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    prefix = Settings.model_config["env_prefix"]
    variables = {f"{prefix}{field.upper()}" for field in Settings.model_fields}
    example = (ROOT / ".env.example").read_text()
    assert {v for v in variables if not re.search(rf"(?m)^(# )?{v}=", example)} == set()
    # No .env at all, only the one required variable: every other setting takes its default.
    (tmp_path / "empty.env").write_text("")
    environ = {"PATH": os.environ["PATH"], "WEAVER_API_TOKEN": "a-token-of-sixteen-characters"}
    services = compose_config(tmp_path / "empty.env", environ)["services"]
    python = [name for name, service in services.items() if "build" in service
              and Path(service["build"]["context"]).resolve() == ROOT]
    assert set(python) == {"migrate", "web", "backtest", "live", "scheduler"}
    for name in python:
        assert set(services[name]["environment"]) == variables - NOT_IN_COMPOSE, name
    for variable, value in services["web"]["environment"].items():
        monkeypatch.setenv(variable, value)
    settings = load_settings(_env_file=None)
    differing = {field for field, info in Settings.model_fields.items()
                 if field not in PINNED_BY_COMPOSE and plain(getattr(settings, field)) != plain(info.default)}
    assert differing == set()


def plain(value: object) -> object:
    """A setting's value with an empty string, an empty secret and None all alike."""
    return (value.get_secret_value() if isinstance(value, SecretStr) else value) or None


def test_every_command_the_compose_services_run_parses_or_ships_with_their_image() -> None:
    for name, service in compose_config()["services"].items():
        image = service_image(service)
        command = service.get("command", [])
        start = service.get("entrypoint", []) + (shlex.split(command) if isinstance(command, str) else command)
        if start:
            assert_runs(start, image, f"{name} command")
        test = service["healthcheck"]["test"]
        if isinstance(test, str) or test[0] == "CMD-SHELL":
            assert_runs(shell_words(test if isinstance(test, str) else test[1]), image, f"{name} healthcheck")
        elif test[0] == "CMD":
            assert_runs(test[1:], image, f"{name} healthcheck")


def test_every_command_the_dockerfiles_run_parses_or_ships_with_the_image() -> None:
    python, ui = Image("weaver-python", ROOT / "Dockerfile"), Image("weaver-ui", ROOT / "ui" / "Dockerfile")
    assert dockerfile_commands(python)["CMD"][0] == "weaver"
    for image in (python, ui):  # the UI image keeps nginx's own CMD
        for instruction, argv in dockerfile_commands(image).items():
            assert_runs(argv, image, f"{image.dockerfile} {instruction}")


def test_every_procfile_line_runs_an_existing_command_and_live_is_pinned() -> None:
    commands = procfile_commands((ROOT / "Procfile").read_text())
    assert set(commands) == {"web", "backtest", "live", "scheduler"}
    for name, argv in commands.items():
        assert_runs(argv, None, f"Procfile {name}")
    assert commands["live"][-4:] == ["--processes", "1", "--threads", "1"]


def test_build_contexts_leave_out_host_installs_secrets_and_output() -> None:
    root, ui = ((ROOT / path).read_text().split() for path in (".dockerignore", "ui/.dockerignore"))
    assert {".env", ".venv", "data", "ui/node_modules", "ui/dist"} <= set(root)
    assert {"node_modules", "dist", "test-results", "playwright-report", "e2e/screenshots"} <= set(ui)
    steps = (ROOT / "ui" / "Dockerfile").read_text()
    assert steps.index("COPY package.json package-lock.json") < steps.index("npm ci") < steps.index("COPY . .")
