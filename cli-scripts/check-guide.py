#!/usr/bin/env python3
"""Checks a challenge guide against what its up.sh printed: every docker
command in a block of the guide marked <!-- up.sh prints these --> must have
been run (a printed "$ docker ..." with the same sub-command and name), with
every option the guide shows and the same value. What the guide leaves out
(options written "...", the image, the order of options) is not compared; in
a value, "...", "$S" (the secrets' folder) and "<a placeholder>" stand for
whatever the machine or the script chose. One line per difference; exits non-zero when there is any.
Usage: check-guide.py GUIDE.md UP_OUTPUT"""
import re
import shlex
import sys

MARK = "<!-- up.sh prints these -->"
# Options that take no value.
SWITCHES = {"--detach", "--rm", "--read-only", "--init", "--internal", "--attachable",
            "--with-registry-auth", "--quiet", "--no-healthcheck"}


def joined(lines):
    """The lines with their continuations (a trailing backslash) joined."""
    command = ""
    for line in lines:
        line = line.rstrip()
        if line.endswith("\\"):
            command += line[:-1] + " "
            continue
        command += line
        if command.strip():
            yield command.strip()
        command = ""


def guide_commands(path):
    text = open(path, encoding="utf-8").read()
    for block in re.findall(re.escape(MARK) + r"\s*```bash\n(.*?)```", text, re.S):
        for command in joined(block.splitlines()):
            if command.startswith("docker "):
                yield command


def printed_commands(path):
    lines = open(path, encoding="utf-8", errors="replace").read().splitlines()
    command = None
    for line in lines:
        if command is not None:
            if line.startswith("    ") and command.endswith("\\"):
                command = command[:-1] + " " + line.strip()
                continue
            yield command
            command = None
        if line.startswith("$ docker "):
            command = line[2:]
    if command is not None:
        yield command


def parsed(command):
    """(the sub-command words, what it names, [(option, value)]) of a docker command: a run names its
    --name (a service its --name too), any other command its arguments (a network, a volume, a node)."""
    words = [w for w in shlex.split(command, comments=True) if w != "..."]
    sub = words[1:3] if words[1] in ("network", "volume", "service", "secret", "config", "node", "swarm") else words[1:2]
    options, arguments, name, i = [], [], None, 1 + len(sub)
    while i < len(words):
        word = words[i]
        if word.startswith("--"):
            option, _, value = word.partition("=")
            if not value and option not in SWITCHES and i + 1 < len(words):
                i += 1
                value = words[i]
            options.append((option, value))
            if option == "--name":
                name = value
        else:
            arguments.append(word)
        i += 1
    return " ".join(sub), name if name is not None else " ".join(arguments), options


# What a guide may write for a part of a value that it leaves out or that the machine decides.
ELIDED = re.compile(r"(\$S|\.\.\.|<[^>]+>)")


def same(shown, ran):
    """Whether a value the guide shows is the one run: $S (a folder), ... and <a placeholder> stand for anything."""
    pattern = ".+".join(re.escape(part) for part in ELIDED.split(shown)[::2])
    return re.fullmatch(pattern, ran, re.S) is not None


def main(guide, output):
    ran = []
    for command in printed_commands(output):
        try:
            ran.append(parsed(command))
        except ValueError:
            pass  # an argument spread over several lines (a query): no guide shows one
    problems = 0
    shown_any = False
    for command in guide_commands(guide):
        shown_any = True
        sub, name, options = parsed(command)
        matches = [r for r in ran if r[0] == sub and same(name, r[1])]
        if not matches:
            print(f"{guide}: shows 'docker {sub} ... {name}', which up.sh did not run")
            problems += 1
            continue
        ran_options = matches[-1][2]
        for option, value in options:
            if not any(o == option and same(value, v) for o, v in ran_options):
                ran_values = [v for o, v in ran_options if o == option]
                print(f"{guide}: 'docker {sub} {name}': the guide shows {option} {value!r}, up.sh ran "
                      + (", ".join(repr(v) for v in ran_values) if ran_values else "no such option"))
                problems += 1
    if not shown_any:
        print(f"{guide}: no command block marked {MARK}")
        problems += 1
    return problems


if __name__ == "__main__":
    sys.exit(1 if main(sys.argv[1], sys.argv[2]) else 0)
