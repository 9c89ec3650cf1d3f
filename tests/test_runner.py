"""The runner: papermill execution, HTML rendering, merged results, index, determinism, failures."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from helpers import cli, runner

pytestmark = pytest.mark.slow


def test_notebook_00_executes_on_the_mirror(run_notebook) -> None:  # type: ignore[no-untyped-def]
    run, res = run_notebook("00_data_tour")
    assert run.status == "ok", run.error
    figures = res["figures"]
    assert abs(figures["net_liquidity_2022_06_01_usd_bn"]["value"] - 6169.46) < 0.01
    assert figures["net_liquidity_2022_06_01_usd_bn"]["unit"] == "USD bn"
    assert 0 < figures["btc_vs_fred_median_abs_diff_pct"]["value"] < 1


def test_run_all_writes_html_results_and_index_deterministically(mirror_home: Path) -> None:
    out = mirror_home / "reports"
    runs = runner.run_all(["00"])
    assert [r.status for r in runs] == ["ok"]
    html_first = (out / "00_data_tour.html").read_bytes()
    results_first = (out / "results.json").read_bytes()
    index_first = (out / "index.html").read_bytes()
    body = json.loads(results_first)
    assert body["generated_at"] == "2026-11-25T00:00:00Z"  # the mirror's collection date, not the clock
    assert body["data_last_date"]["WALCL"] == "2026-09-30"
    assert "00_data_tour" in body["notebooks"]
    assert b"00_data_tour.html" in index_first and b"ok" in index_first
    runner.run_all(["00"])
    assert (out / "00_data_tour.html").read_bytes() == html_first
    assert (out / "results.json").read_bytes() == results_first
    assert (out / "index.html").read_bytes() == index_first


def test_a_failing_notebook_does_not_stop_the_others(mirror_home: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    nbdir = tmp_path / "notebooks"
    nbdir.mkdir()
    bad = nbformat.v4.new_notebook()
    bad.cells = [nbformat.v4.new_code_cell("raise ValueError('broken on purpose')")]
    nbformat.write(bad, nbdir / "00_broken.ipynb")
    good = nbformat.v4.new_notebook()
    good.cells = [nbformat.v4.new_markdown_cell("# Fine"), nbformat.v4.new_code_cell("1 + 1")]
    nbformat.write(good, nbdir / "01_fine.ipynb")
    monkeypatch.setattr(runner, "notebooks_dir", lambda: nbdir)
    monkeypatch.setenv("QTLAB_HOME", str(tmp_path))
    runs = runner.run_all()
    assert [(r.name, r.status) for r in runs] == [("00_broken", "failed"), ("01_fine", "ok")]
    assert "broken on purpose" in (runs[0].error or "")
    assert "broken on purpose" in (tmp_path / "reports" / "00_broken.html").read_text()
    assert "failed" in (tmp_path / "reports" / "index.html").read_text()
    assert cli.main(["run", "01"]) == 0
    assert cli.main(["run"]) == 1  # any failed notebook makes the command fail


def test_resolve_matches_prefixes_and_rejects_unknown() -> None:
    assert runner.resolve(["00"]) == ["00_data_tour"]
    with pytest.raises(ValueError, match="no notebook matches 'zz'"):
        runner.resolve(["zz"])


def test_kernel_points_at_this_interpreter() -> None:
    import sys

    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec(runner.kernel_name())
    assert spec.argv[0] == sys.executable
    assert shutil.which(spec.argv[0])
