"""The ``qtlab`` command as a user runs it: fetch from the mirror, status, offline failure, parameters."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest

from helpers import cli
from helpers.data.store import Store


@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("QTLAB_HOME", str(tmp_path))
    monkeypatch.delenv("QTLAB_MIRROR", raising=False)
    monkeypatch.delenv("FRED_API_KEY", raising=False)
    return tmp_path


def test_fetch_from_the_mirror_then_status(home: Path, mirror_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["fetch", "--source", "mirror", "--mirror", str(mirror_dir), "--series", "WALCL", "btc"])
    assert code == 0
    manifest = Store().manifest()
    assert set(manifest) == {"WALCL", "btc"}
    assert manifest["WALCL"].source == "mirror" and manifest["WALCL"].first_date == "2002-12-18"
    capsys.readouterr()
    assert cli.main(["data", "status"]) == 0
    out = capsys.readouterr().out
    assert "WALCL" in out and "2026-09-30" in out and "stale" in out


def test_fetch_without_network_fails_in_one_line_naming_host_and_mirror(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def no_dns(*args: object, **kwargs: object) -> None:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    code = cli.main(["fetch", "--source", "fred", "--series", "WALCL"])
    # progress-bar redraws aside, the error is a single line
    err = [ln for ln in re.split(r"[\r\n]", capsys.readouterr().err) if ln.strip() and not ln.startswith("fetch:")]
    assert code == 1
    assert len(err) == 1, err
    assert "fred.stlouisfed.org" in err[0] and "QTLAB_MIRROR" in err[0]
    assert not Store().path("WALCL").exists()


def test_series_from_a_source_that_cannot_serve_it(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["fetch", "--source", "coinmetrics", "--series", "WALCL"]) == 2
    assert "cannot come from 'coinmetrics'" in capsys.readouterr().err


@pytest.mark.parametrize(("item", "expected"), [("n_boot=200", ("n_boot", 200)), ("asset=eth", ("asset", "eth")),
                                                 ("lags=[1, 2]", ("lags", [1, 2])), ("flag=True", ("flag", True))])
def test_parameters_are_typed(item: str, expected: tuple[str, object]) -> None:
    assert cli._parse_parameter(item) == expected


@pytest.mark.parametrize("item", ["FRED_API_KEY=abc", "api_key=abc", "fred_password=x", "my_token_2=x",
                                  "keys=1", "no_equals_sign"])
def test_bad_or_secret_parameters_are_refused(item: str) -> None:
    with pytest.raises(ValueError, match="secret|key=value"):
        cli._parse_parameter(item)


def test_a_parameter_holding_a_secret_value_is_refused_without_printing_it(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("FRED_API_KEY", "k3y-value-0123456789")
    assert cli.main(["run", "00", "-p", "crypto_asset=k3y-value-0123456789"]) == 2
    err = capsys.readouterr().err
    assert "FRED_API_KEY" in err and "crypto_asset" in err and "0123456789" not in err


def test_fetch_without_mirror_skips_mirror_only_series(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """market_total has no live source yet: without a mirror it is skipped with a hint, not a crash."""
    assert cli.main(["fetch", "--series", "market_total"]) == 0
    out = capsys.readouterr().out
    assert "market_total" in out and "skipped" in out and "QTLAB_MIRROR" in out
    assert not Store().has("market_total")


def test_one_unavailable_source_does_not_stop_the_others(home: Path, mirror_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """A source refusing one series (e.g. Binance's HTTP 451) is reported; the other series are still fetched."""
    from helpers.errors import SourceUnavailableError
    from helpers.sources.mirror import MirrorSource

    real_fetch = MirrorSource.fetch

    def refuse_walcl(self: MirrorSource, spec, start=None):  # type: ignore[no-untyped-def]
        if spec.id == "WALCL":
            raise SourceUnavailableError("fapi.binance.com answered 451: not available from this location")
        return real_fetch(self, spec, start)

    monkeypatch.setattr(MirrorSource, "fetch", refuse_walcl)
    code = cli.main(["fetch", "--source", "mirror", "--mirror", str(mirror_dir), "--series", "WALCL", "btc"])
    assert code == 0  # issue 13: a refusing source is reported, not fatal; exit 1 only when nothing was fetched
    assert Store().has("btc") and not Store().has("WALCL")
    assert "could not fetch WALCL" in capsys.readouterr().err
