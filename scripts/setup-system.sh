#!/usr/bin/env bash
# Installs the system packages the test tiers need (Debian): filled in by the foundation issue.
set -euo pipefail
