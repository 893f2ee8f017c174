#!/usr/bin/env bash
# Installs Apache Spark (pyspark, with its jars and the Thrift server) from the lock file
# requirements-spark.txt into a virtual environment, where tests/spark/server.ts finds it:
# $VAULT_SPARK_VENV when set, else .venv-spark/ in the repository (ignored by git).
# Safe to run again: a venv that already holds the pinned pyspark is kept. Needs Python 3.11+
# with venv and pip; running Spark also needs Java 17+ (checked here, reported, not installed).
# .ci/run calls it so that CI always runs the Spark tests.
set -euo pipefail
cd "$(dirname "$0")/.."
requirements=requirements-spark.txt
venv="${VAULT_SPARK_VENV:-.venv-spark}"
pinned="$(sed -n 's/^pyspark==\([^ \\]*\).*/\1/p' "$requirements")"
if [ -z "$pinned" ]; then
  echo "install-spark: no pyspark pin in $requirements" >&2
  exit 1
fi

installed_version() {
  "$venv/bin/python" -c 'import pyspark; print(pyspark.__version__)' 2>/dev/null || true
}

if [ -x "$venv/bin/python" ] && [ "$(installed_version)" = "$pinned" ]; then
  echo "install-spark: kept $venv (pyspark $pinned already installed)"
else
  if [ -e "$venv" ]; then
    echo "install-spark: $venv holds pyspark '$(installed_version)', not $pinned: recreating it"
    rm -rf "$venv"
  fi
  if ! python3 -m venv "$venv"; then
    echo "install-spark: python3 -m venv failed (install Python 3.11+ with its venv module)" >&2
    exit 1
  fi
  echo "install-spark: installing pyspark $pinned into $venv (hash-checked, from $requirements)"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --require-hashes -r "$requirements"
  version="$(installed_version)"
  if [ "$version" != "$pinned" ]; then
    echo "install-spark: $venv has pyspark '$version' after the install, expected $pinned" >&2
    exit 1
  fi
  echo "install-spark: installed pyspark $version into $venv"
fi

if command -v java >/dev/null 2>&1; then
  echo "install-spark: Java found: $(java -version 2>&1 | head -n 1)"
else
  echo "install-spark: no java on PATH: Spark needs Java 17 or later to run" >&2
fi
# The HTTPS test server (tests/spark/https.test.ts) compiles its token check and makes its certificate.
if command -v javac >/dev/null 2>&1 && command -v keytool >/dev/null 2>&1; then
  echo "install-spark: JDK tools found: $(javac -version 2>&1 | head -n 1), keytool"
else
  echo "install-spark: no javac or keytool on PATH: the Spark HTTPS test needs a JDK (Debian: openjdk-17-jdk-headless)" >&2
fi
