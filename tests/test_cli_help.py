"""Every command teaches itself: a one-line summary in its group's list and an example in its own help; the old
spellings (``code``, ``--level``, ``--role``, ``--labels-file``, ``--before/--after``) are left out of help but
still run, with a note."""

from __future__ import annotations

import pytest
import typer

from mindthegap.cli.main import app

OLD_OPTIONS = {
    ("agreement",): {"--level"},
    ("user", "add"): {"--role"},
    ("user", "grant"): {"--role"},
    ("autocode", "train"): {"--labels-file"},
    ("survey", "compare"): {"--before", "--after"},
}


def _tree() -> list[tuple[tuple[str, ...], object]]:
    """Every visible command and group under ``mindthegap``, with its path of names."""
    found: list[tuple[tuple[str, ...], object]] = []

    def walk(command: object, path: tuple[str, ...]) -> None:
        found.append((path, command))
        for name, sub in getattr(command, "commands", {}).items():
            if not sub.hidden:
                walk(sub, (*path, name))

    walk(typer.main.get_command(app), ())
    return [(path, command) for path, command in found if path]


COMMANDS = _tree()


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_each_command_has_a_summary_and_an_example(path, command):
    """The summary is the first paragraph of the help, on one line; an Example follows it.
    Reference: the layout `mindthegap gap --help` has had from the start."""
    summary = command.get_short_help_str(limit=200)
    assert summary.strip(), f"{' '.join(path)} has no summary"
    assert "\n" not in command.help.split("\n\n")[0], f"{' '.join(path)}: the summary runs over one line"
    assert "Example" in command.help, f"{' '.join(path)} has no Example line"


def test_the_tree_is_the_whole_command_line():
    """A count against the groups' own lists, so a walk that silently finds nothing cannot pass."""
    names = {" ".join(p) for p, _ in COMMANDS}
    assert {"gap", "delphi status", "synth cfir rate", "web warm", "autocode themes", "network"} <= names
    assert not any(p[0] == "code" for p, _ in COMMANDS)
    assert len(COMMANDS) > 70


@pytest.mark.parametrize("path", sorted(OLD_OPTIONS), ids=" ".join)
def test_old_option_spellings_are_hidden_from_help(cli_here, path):
    """Reference: the renames recorded in docs/ARCHITECTURE.md's names table."""
    code, out, _ = cli_here(*path, "--help")
    assert code == 0
    for old in OLD_OPTIONS[path]:
        assert f"{old} " not in out and f"{old}\n" not in out, f"{' '.join(path)} --help shows {old}"
    command = dict(COMMANDS)[path]
    hidden = {opt for p in command.params if getattr(p, "hidden", False) for opt in p.opts}
    assert OLD_OPTIONS[path] <= hidden


def test_the_old_code_group_is_hidden_but_runs_with_a_note(cli_here):
    code, out, _ = cli_here("--help")
    assert code == 0 and "autocode" in out
    assert "│ code " not in out
    code, out, err = cli_here("code", "train", "--help")
    assert code == 0 and "Usage" in out
    assert "'mindthegap code' is now called 'mindthegap autocode'" in err


def test_the_old_level_option_runs_with_a_note(cli_here, tmp_path):
    """Two coders agreeing on every unit: percent agreement 1 by hand."""
    coding = tmp_path / "coding.csv"
    coding.write_text("unit,a,b\n1,x,x\n2,y,y\n3,x,x\n", encoding="utf-8")
    code, out, err = cli_here("agreement", str(coding), "--level", "nominal", "--json")
    assert code == 0, err
    assert "--level is now called --measurement" in err
    assert '"percent_agreement": 1.0' in out.replace(" ", "").replace(":", ": ")
