"""Live update end to end: files on disk, watchfiles, the loop, exec into the fake API server's
pods (whose containers keep the files ``tar`` wrote and ``cat`` prints them), and the private
Docker engine for the builds that a change outside the sync rules, or a failed sync, needs."""

from __future__ import annotations

from pathlib import Path

from tests.integration.test_cli import run


def test_a_sync_path_outside_the_context_is_one_line_at_start(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "gok.toml").write_text(
        '[image]\nrepository = "127.0.0.1:5000/web"\ncontext = "app"\n\n'
        '[[sync]]\nlocal = "../secrets"\ncontainer = "/www"\n'
    )
    result = run([], tmp_path)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert "gok.toml: sync.1.local: '../secrets' is outside the build context 'app'" in line
