"""``openiop schedule solve``: a problem file in, a schedule on standard output, and a clear
one-line message (non-zero exit, no traceback) for a bad file."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from openiop.scheduling.solver import check, generate_problem, problem_from_json

OPENIOP = str(Path(sys.executable).parent / "openiop")


@pytest.fixture
def problem_file(tmp_path):
    path = tmp_path / "week.json"
    path.write_text(json.dumps(generate_problem(12, seed=5)), encoding="utf-8")
    return path


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("schedule", *args, stdout=out)
    return out.getvalue()


def test_solve_writes_a_valid_schedule(problem_file):
    schedule = json.loads(run("solve", str(problem_file), "--time-limit", "2", "--seed", "3"))
    problem = problem_from_json(json.loads(problem_file.read_text()))
    assert schedule["format"] == "openiop-schedule/1"
    assert check(problem, schedule) == []


def test_solve_with_last_weeks_schedule_as_hint(problem_file, tmp_path):
    first = run("solve", str(problem_file), "--time-limit", "2")
    hint = tmp_path / "last.json"
    hint.write_text(first, encoding="utf-8")
    again = json.loads(run("solve", str(problem_file), "--time-limit", "2", "--hint", str(hint)))
    problem = problem_from_json(json.loads(problem_file.read_text()))
    assert check(problem, again) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "{not json",
            "is not valid JSON: Expecting property name enclosed in double quotes at "
            "line 1 column 2",
        ),
        ('{"format": "openiop-week/1"}', 'problem: "rooms" is missing'),
        ("[]", "the problem must be a JSON object, got list"),
    ],
)
def test_a_bad_problem_file_is_a_command_error(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message.replace("(", r"\(")):
        run("solve", str(path))


def test_a_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match=r"cannot read problem .*nothing\.json: No such file"):
        run("solve", str(tmp_path / "nothing.json"))


def test_the_time_limit_must_be_positive(problem_file):
    with pytest.raises(CommandError, match="--time-limit must be a positive number of seconds"):
        run("solve", str(problem_file), "--time-limit", "0")


def _environment() -> dict[str, str]:
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "openiop.settings_test"}


def test_from_the_shell_a_bad_file_exits_non_zero_without_a_traceback(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(
        '{"format": "openiop-week/1", "rooms": [], "clinicians": [], '
        '"offerings": [], "participants": [{"id": "p1"}]}',
        encoding="utf-8",
    )
    done = subprocess.run(  # noqa: S603 (our own console script)
        [OPENIOP, "schedule", "solve", str(path)],
        capture_output=True,
        text=True,
        env=_environment(),
        timeout=120,
        check=False,
    )
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert 'participants[0] (id "p1"): "target_minutes" is missing' in done.stderr
    assert done.stdout == ""


def test_from_the_shell_a_problem_on_stdin_gives_json_on_stdout():
    done = subprocess.run(  # noqa: S603 (our own console script)
        [OPENIOP, "schedule", "solve", "-", "--time-limit", "1"],
        input=json.dumps(generate_problem(6, seed=1)),
        capture_output=True,
        text=True,
        env=_environment(),
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["format"] == "openiop-schedule/1"
