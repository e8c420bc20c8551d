"""What the Audit view's narrow columns make of long context names and timestamps."""

from __future__ import annotations

from gok_tui.screens.audit import AUDIT_COLUMNS, short_context, short_time


def test_the_context_column_comes_before_the_wide_ones() -> None:
    assert AUDIT_COLUMNS[:3] == ("TIME", "RESULT", "CONTEXT")


def test_cloud_context_names_are_shown_by_their_cluster_name() -> None:
    assert short_context("arn:aws:eks:eu-west-1:123456789012:cluster/prod-eu") == "prod-eu"
    assert short_context("gke_my-project_europe-west1-b_prod") == "prod"
    assert short_context("kind-dev") == "kind-dev"
    assert short_context("a-very-long-context-name-for-staging") == "…ame-for-staging"


def test_todays_entries_show_the_clock_older_ones_the_day() -> None:
    assert short_time("2026-11-30T10:00:05+0000", today="2026-11-30") == "10:00:05"
    assert short_time("2026-11-29T10:00:05+0000", today="2026-11-30") == "11-29 10:00"
