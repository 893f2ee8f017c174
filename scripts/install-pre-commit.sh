#!/usr/bin/env bash
# Installs the real pre-commit program from PyPI into .venv-tools/ (ignored by git), where
# tests/packaging/pre-commit.test.ts finds it. Safe to run again: an existing install is kept.
# .ci/run calls it so that CI always runs that test; it needs Python 3 with venv and pip.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.venv-tools
if [ -x "$venv/bin/pre-commit" ]; then exit 0; fi
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check 'pre-commit>=3,<5'
"$venv/bin/pre-commit" --version
