"""The ``qtlab`` command: fetch data, show its status, run notebooks, list them."""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Sequence

import pandas as pd

from helpers.data import catalog
from helpers.data.store import Store
from helpers.errors import QtlabError, SourceUnavailableError, is_offline

#: Every source the catalog uses (``qtlab fetch --source``).
SOURCES = ("fred", "coinmetrics", "defillama", "binance", "mirror")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code (0 ok, 1 a run or fetch failed, 2 bad usage)."""
    args = _parser().parse_args(argv)
    try:
        return int(args.func(args))
    except SourceUnavailableError as exc:
        print(f"qtlab: {exc}", file=sys.stderr)
        return 1
    except (QtlabError, ValueError) as exc:
        print(f"qtlab: {exc}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="qtlab", description=__doc__)
    sub = p.add_subparsers(required=True, dest="command")

    f = sub.add_parser("fetch", help="fetch series into data/raw/ (incremental with --refresh)")
    f.add_argument("--source", choices=SOURCES, help="default: mirror when QTLAB_MIRROR/--mirror is set, else live")
    f.add_argument("--series", nargs="+", metavar="ID", help="catalog ids (default: every series the source has)")
    f.add_argument("--refresh", action="store_true",
                   help="fetch what is new since the last cached date and merge it (never drops cached rows)")
    f.add_argument("--force", action="store_true", help="refetch the whole history and replace the cache")
    f.add_argument("--mirror", metavar="DIR", help="mirror directory laid out like ../shared/data")
    f.set_defaults(func=_fetch)

    d = sub.add_parser("data", help="inspect the cache")
    dsub = d.add_subparsers(required=True, dest="data_command")
    s = dsub.add_parser("status", help="per series: source, first and last date, staleness")
    s.set_defaults(func=_status)
    c = dsub.add_parser("check", help="does each live source answer in the expected format? "
                        "(exit 0 ok, 1 unreachable, 2 format changed)")
    c.add_argument("--source", action="append", choices=("fred", "coinmetrics", "defillama", "binance"),
                   help="live source to check, repeatable (default: all)")
    c.set_defaults(func=_check)

    r = sub.add_parser("run", help="execute notebooks with papermill and render reports/")
    r.add_argument("notebooks", nargs="*", metavar="NOTEBOOK", help="names or prefixes such as 01 (default: all)")
    r.add_argument("-p", "--parameter", action="append", metavar="KEY=VALUE", default=[],
                   help="papermill parameter, repeatable (values parsed as Python literals when they can be); "
                        "non-default parameters write to reports/runs/<notebook>/<slug>/")
    r.add_argument("-j", "--jobs", type=int, default=None, metavar="N",
                   help="notebooks executed in parallel (default: the number of cores)")
    r.add_argument("--dry-run", action="store_true", help="list what would run and why, and what is skipped")
    r.add_argument("--force", action="store_true", help="rerun even notebooks whose inputs did not change")
    r.add_argument("--timeout", type=int, default=None, metavar="SECONDS",
                   help="per-cell execution timeout (default: $QTLAB_CELL_TIMEOUT or 900)")
    r.set_defaults(func=_run)

    sw = sub.add_parser("sweep", help="run one notebook over a parameter grid into reports/sweeps/ (never published)")
    sw.add_argument("notebook", metavar="NOTEBOOK", help="a name or prefix such as 06")
    sw.add_argument("-p", "--parameter", action="append", metavar="KEY=V1,V2", default=[], required=True,
                    help="a parameter and its values, repeatable; the sweep runs every combination")
    sw.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler (default $QTLAB_DASK_SCHEDULER, else local)")
    sw.add_argument("--jobs", type=int, metavar="N", help="local processes (default: the number of cores)")
    sw.set_defaults(func=_sweep)

    ls = sub.add_parser("list", help="list the notebooks")
    ls.set_defaults(func=_list)

    k = sub.add_parser("kernel", help="install the Jupyter kernel of this environment and print its name")
    k.set_defaults(func=_kernel)
    return p


def _fetch(args: argparse.Namespace) -> int:
    """Fetch or refresh series; report each one, refusing or unreachable sources included, then a summary.

    Exit code 1 only when nothing at all could be fetched (or the cache itself cannot be written).
    """
    from tqdm import tqdm

    from helpers.errors import CacheIOError, DataValidationError, MissingDataError, SourceContractError
    from helpers.sources import default_source, get_source
    from helpers.sources.mirror import mirror_root

    mirror = mirror_root(args.mirror)
    ids = args.series or [s.id for s in catalog.CATALOG.values()
                          if args.source in (None, "mirror") or args.source in s.sources]
    store = Store()
    failed: dict[str, str] = {}
    offline: dict[str, tuple[str, list[str]]] = {}
    done: dict[str, list[str]] = {}
    skipped: dict[str, str] = {}
    bar = tqdm(ids, desc="fetch", unit="series", leave=False)
    for sid in bar:
        spec = catalog.get(sid)
        name = args.source or default_source(spec, mirror=mirror)
        if name == "mirror" and mirror is None:
            skipped[sid] = "no live source fetches it yet; set QTLAB_MIRROR to read it from a mirror"
            tqdm.write(f"{sid:<28} skipped: {skipped[sid]}")
            continue
        if name != "mirror" and name not in spec.sources:
            raise ValueError(f"series {sid!r} cannot come from {name!r}; its sources are {spec.sources}")
        if name in offline:
            offline[name][1].append(sid)
            continue
        try:
            result = store.update(spec, get_source(name, mirror=mirror), refresh=args.refresh, force=args.force)
        except CacheIOError as exc:
            bar.close()
            print(f"qtlab: {exc}", file=sys.stderr)
            return 1
        except SourceUnavailableError as exc:
            if is_offline(exc):  # no network: one line for the source, not one per series
                offline[name] = (str(exc), [sid])
                continue
            failed[sid] = str(exc)
            tqdm.write(f"{sid:<28} failed: {exc}")
            continue
        except (DataValidationError, SourceContractError, MissingDataError) as exc:
            failed[sid] = str(exc)
            tqdm.write(f"{sid:<28} refused, cache unchanged: {exc}")
            continue
        done.setdefault(result.status, []).append(sid)
        tqdm.write(result.line(sid))
    for message, sids in offline.values():
        print(f"qtlab: {message} ({len(sids)} series not fetched: {', '.join(sids)})", file=sys.stderr)
    if failed:
        print(f"qtlab: could not fetch {', '.join(failed)}; cached copies, if any, are unchanged", file=sys.stderr)
    parts = [f"{len(v)} {k}" for k, v in sorted(done.items())]
    missing = [*failed, *(s for _, sids in offline.values() for s in sids)]
    if "kept" in done:
        parts.append(f"cache kept for {', '.join(done['kept'])} (the answer would have lost rows; --force replaces)")
    if missing:
        parts.append(f"missing {len(missing)}: {', '.join(missing)}")
    if parts:
        print("summary: " + "; ".join(parts))
    _missing_summary(store, {**skipped, **failed, **{s: m for m, sids in offline.values() for s in sids}},
                     [s for sids in done.values() for s in sids])
    return 1 if missing and not done else 0


def _missing_summary(store: Store, reasons: dict[str, str], fetched: list[str]) -> None:
    """Keep this fetch's reasons and print what is missing from the cache and what depends on it."""
    from helpers.data.failures import record_fetch
    from helpers.report import missing

    record_fetch(store.root, reasons, fetched)
    for line in missing.collect(notes=False).lines():
        print(line)


def _status(args: argparse.Namespace) -> int:
    manifest = Store().manifest()
    if not manifest:
        print("the cache is empty: run `qtlab fetch` (or `make reports`)")
        return 0
    today = pd.Timestamp.now(tz="UTC").tz_localize(None).normalize()
    print(f"{'series':<28} {'source':<12} {'first':<10}  {'last':<10}  {'rows':>6}  {'stale (days)':>12}  "
          f"{'revised':>7}  retrieved_at")
    for sid, e in sorted(manifest.items()):
        stale = (today - pd.Timestamp(e.last_date)).days
        print(f"{sid:<28} {e.source:<12} {e.first_date}  {e.last_date}  {e.rows:>6}  {stale:>12}  {e.revisions:>7}  "
              f"{e.retrieved_at}")
    return 0


def _run(args: argparse.Namespace) -> int:
    from helpers.report import runner

    params = dict(_parse_parameter(item) for item in args.parameter)
    runs = runner.run_all(args.notebooks or None, params, jobs=args.jobs, timeout=args.timeout,
                          dry_run=args.dry_run, force=args.force)
    failed = [r.name for r in runs if r.status != "ok"]
    if failed:
        print(f"qtlab: failed notebooks: {', '.join(failed)} (see their reports for the error)", file=sys.stderr)
    return 1 if failed else 0


def _parse_parameter(item: str) -> tuple[str, object]:
    """Turn ``key=value`` into a typed pair: numbers, booleans, lists parsed; else the string."""
    from helpers.report.params import refuse_secret_name, refuse_secret_value

    key, sep, value = item.partition("=")
    if not sep or not key.isidentifier():
        raise ValueError(f"parameter {key!r} must look like key=value")
    refuse_secret_name(key)
    try:
        parsed: object = ast.literal_eval(value)
    except (ValueError, SyntaxError):
        parsed = value
    refuse_secret_value(key, parsed)
    refuse_secret_value(key, value)
    return key, parsed


def _sweep(args: argparse.Namespace) -> int:
    from helpers.report import sweep
    from helpers.report.executor import get_executor

    grid = sweep.parse_grid(args.parameter)
    try:
        executor = get_executor(args.scheduler, args.jobs)
    except ConnectionError as exc:
        print(f"qtlab: {exc}", file=sys.stderr)
        return 1
    table = sweep.run_sweep(args.notebook, grid, executor=executor, progress=print)
    failed = int((table["status"] != "ok").sum())
    print(f"{len(table)} runs, {failed} failed; summary in reports/sweeps/ (summary.csv, summary.html)")
    return 1 if failed else 0


def _list(args: argparse.Namespace) -> int:
    from helpers.report import runner

    for name in runner.discover():
        print(name, "-", runner.title(name))
    return 0


def _kernel(args: argparse.Namespace) -> int:
    from helpers.report.kernel import ensure_kernel

    print(ensure_kernel())
    return 0


def _check(args: argparse.Namespace) -> int:
    from helpers.sources.check import check, exit_code

    results = check(args.source)
    for result in results:
        print(result.line())
    return exit_code(results)


if __name__ == "__main__":
    sys.exit(main())
