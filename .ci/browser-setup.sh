#!/usr/bin/env bash
# Headless Chromium for the HTML report test (tests/test_report_html_browser.py): Debian's chromium and
# chromium-driver, installed with apt-get when missing.  Called by .ci/run; safe to run twice.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
  echo "browser-setup: $(chromium --version 2>/dev/null || echo chromium) already installed"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver
chromium --version
