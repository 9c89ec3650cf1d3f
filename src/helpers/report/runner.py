"""Run notebooks through papermill, in parallel, only when their inputs changed; publish what succeeded.

Who writes what (DESIGN.md, "Results contract"):

- each notebook executes in its own staging folder ``reports/.executed/stage/<notebook>/``, its
  recorder pointed there by ``$QTLAB_RESULTS_DIR`` and seeded with the published results of the
  other notebooks (the claims ledger reads them);
- a default-parameter run that succeeds is published: ``reports/results/<notebook>.json``, the
  executed notebook in ``reports/.executed/`` and (until the Sphinx site exists) ``reports/<notebook>.html``;
- a run with other parameters goes to ``reports/runs/<notebook>/<slug>/`` (HTML, results, parameters.json);
- a failed run publishes nothing: the previous edition stays and ``runs.json`` marks it failed.

Then ``results.json``, ``runs.json`` and the site (``helpers.report.site.build_site`` when it exists,
else the nbconvert pages and a plain index) are written, each only when its bytes change.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from helpers import paths
from helpers.report import cache as cache_mod
from helpers.report import files, params
from helpers.report.cache import ExecutionCache
from helpers.report.missing import MissingSummary
from helpers.report.missing import collect as collect_missing

#: Default per-cell execution timeout in seconds (``--timeout`` or ``$QTLAB_CELL_TIMEOUT`` override it).
CELL_TIMEOUT = 900
LEDGER_SUFFIX = "claims_ledger"


@dataclass
class NotebookRun:
    """Outcome of one notebook: status ``ok`` or ``failed``, run time, error, page."""

    name: str
    status: str
    seconds: float
    error: str | None
    html: str


@dataclass
class Planned:
    """A notebook the runner considered: its parameters, inputs, and why it runs or is skipped."""

    name: str
    parameters: dict[str, Any]
    inputs: dict[str, str]
    reasons: list[str] = field(default_factory=list)

    @property
    def publishes(self) -> bool:
        """Default parameters publish; any other parameters go to ``reports/runs/``."""
        return not self.parameters

    @property
    def cache_id(self) -> str:
        return self.name if self.publishes else f"{self.name}/{params.slug(self.parameters)}"


def notebooks_dir() -> Path:
    """Folder of the numbered notebooks."""
    return paths.notebooks_dir()


def discover() -> list[str]:
    """Names (stems) of the numbered notebooks, in order."""
    folder = notebooks_dir()
    if not folder.is_dir():
        raise ValueError(f"no notebooks folder at {folder}; set QTLAB_HOME to the project root")
    return sorted(p.stem for p in folder.glob("[0-9][0-9]_*.ipynb"))


def resolve(names: list[str] | None) -> list[str]:
    """Match user-given names or prefixes (``01``, ``01_qt_mechanism``) to notebooks."""
    available = discover()
    if not names:
        return available
    chosen: list[str] = []
    for name in names:
        stem = Path(name).stem
        hits = [n for n in available if n == stem or n.startswith(stem + "_") or n.startswith(stem)]
        if not hits:
            raise ValueError(f"no notebook matches {name!r}; available: {', '.join(available)}")
        chosen.extend(h for h in hits[:1] if h not in chosen)
    return chosen


def runs_last(name: str) -> bool:
    """Whether a notebook reads the others' results (the claims ledger) and so runs after them."""
    return name.endswith(LEDGER_SUFFIX)


def title(name: str) -> str:
    """The first level-1 heading of a notebook (its question), else its name."""
    cells = json.loads((notebooks_dir() / f"{name}.ipynb").read_text(encoding="utf-8")).get("cells", [])
    for cell in cells:
        if cell.get("cell_type") == "markdown":
            for line in "".join(cell.get("source", "")).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return name


def kernel_name() -> str:
    """The project's kernelspec (``qtlab``) for this interpreter, installed in its environment if missing."""
    from helpers.report.kernel import runner_kernel

    return runner_kernel()


def cell_timeout() -> int:
    """Per-cell timeout in seconds: ``$QTLAB_CELL_TIMEOUT`` or :data:`CELL_TIMEOUT`."""
    return int(os.environ.get("QTLAB_CELL_TIMEOUT", CELL_TIMEOUT))


def execute(name: str, parameters: dict[str, Any] | None, out_dir: Path, *, timeout: int | None = None,
            kernel: str | None = None, seed_results: Path | None = None, render: bool = True) -> NotebookRun:
    """Execute one notebook into ``out_dir`` (no publishing): the low-level step every run uses.

    Writes ``out_dir/.executed/<name>.ipynb`` (cleaned for byte-stability), ``out_dir/results/<name>.json``
    (the recorder's file) and, with ``render``, ``out_dir/<name>.html``. A failing notebook is rendered
    too (papermill marks the failing cell); its status is ``failed`` and ``error`` holds the exception.

    Parameters
    ----------
    seed_results : Path, optional
        A folder of result files copied into ``out_dir/results`` first (the other notebooks' results).
    """
    import papermill as pm

    from helpers.report.render import clean_file, render_html

    source = notebooks_dir() / f"{name}.ipynb"
    if not source.is_file():
        raise ValueError(f"notebook {source} does not exist; available: {', '.join(discover())}")
    results_folder = out_dir / "results"
    results_folder.mkdir(parents=True, exist_ok=True)
    if seed_results is not None and seed_results.is_dir():
        for path in seed_results.glob("*.json"):
            if path.stem != name:
                files.copy(path, results_folder / path.name)
    executed = out_dir / ".executed" / f"{name}.ipynb"
    executed.parent.mkdir(parents=True, exist_ok=True)
    executed.unlink(missing_ok=True)
    error: str | None = None
    saved = os.environ.get(paths.RESULTS_ENV)
    os.environ[paths.RESULTS_ENV] = str(results_folder.resolve())
    began = time.perf_counter()
    try:
        pm.execute_notebook(
            str(source), str(executed), parameters=parameters or {}, kernel_name=kernel or kernel_name(),
            cwd=str(notebooks_dir()), progress_bar=False, log_output=False,
            execution_timeout=timeout or cell_timeout(),
        )
    except pm.PapermillExecutionError as exc:
        error = _one_line(f"{exc.ename}: {exc.evalue}")
    except Exception as exc:  # noqa: BLE001 - a timeout or a dead kernel fails this notebook, not the run
        error = _one_line(f"{type(exc).__name__}: {exc}")
    finally:
        if saved is None:
            os.environ.pop(paths.RESULTS_ENV, None)
        else:
            os.environ[paths.RESULTS_ENV] = saved
    seconds = round(time.perf_counter() - began, 1)
    html = out_dir / f"{name}.html"
    if executed.is_file():
        nb = clean_file(executed)
        if render or error:
            render_html(nb, html)
    return NotebookRun(name, "failed" if error else "ok", seconds, error, html.name if html.is_file() else "")


def _cores() -> int:
    """Cores this process may use (its CPU affinity where the OS tells it)."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity else (os.cpu_count() or 1)


def _one_line(text: str) -> str:
    """The first non-empty line of an error message."""
    return next((ln.strip() for ln in text.splitlines() if ln.strip()), text.strip())


@dataclass(frozen=True)
class _Job:
    name: str
    parameters: dict[str, Any]
    stage: str
    seed: str
    kernel: str
    timeout: int
    render: bool
    home: str


def _work(job: _Job) -> NotebookRun:
    """Execute one job (in a worker process or in this one)."""
    stage = Path(job.stage)
    files.remove_tree(stage)
    os.environ[paths.HOME_ENV] = job.home
    return execute(job.name, job.parameters, stage, timeout=job.timeout, kernel=job.kernel,
                   seed_results=Path(job.seed), render=job.render)


def site_available() -> bool:
    """Whether the Sphinx site builder (``helpers.report.site``) exists and is not disabled (``QTLAB_SITE=0``)."""
    import importlib.util

    if os.environ.get("QTLAB_SITE", "1") == "0":
        return False
    return importlib.util.find_spec("helpers.report.site") is not None


class Runner:
    """One ``qtlab run``: plan, execute in parallel, publish, write the front page."""

    def __init__(self, names: list[str] | None = None, parameters: dict[str, Any] | None = None, *,
                 jobs: int | None = None, timeout: int | None = None, echo: Callable[[str], None] | None = None,
                 force: bool = False) -> None:
        self.settings = paths.settings()
        self.names = resolve(names)
        self.forced = set(self.names) if force else set()
        if names and not parameters:  # the ledger depends on every notebook: it follows them (if its inputs change)
            self.names += [n for n in discover() if runs_last(n) and n not in self.names]
        self.jobs = max(1, jobs or _cores())
        self.timeout = timeout or cell_timeout()
        self.echo = echo or (lambda line: print(line, flush=True))
        self.cache = ExecutionCache.load(self.settings.executed / "cache.json")
        self.previous = _previous_runs(self.settings.reports)
        self.series_sha = _series_sha()
        self.fallback = not site_available()
        self.missing = MissingSummary()
        self.parameters = {n: self._checked(n, parameters or {}) for n in self.names}

    def _checked(self, name: str, given: dict[str, Any]) -> dict[str, Any]:
        """The given parameters after checking, without those equal to the notebook's defaults."""
        source = notebooks_dir() / f"{name}.ipynb"
        checked = params.check(source, given)
        defaults = params.defaults(source) if checked else {}
        return {k: v for k, v in checked.items() if defaults.get(k, object()) != v}

    # -- planning ---------------------------------------------------------------------------------------------

    def _prior_results(self, p: Planned) -> Path:
        if p.publishes:
            return self.settings.published_results / f"{p.name}.json"
        return self.settings.runs / p.name / params.slug(p.parameters) / f"{p.name}.json"

    def _outputs_exist(self, p: Planned) -> bool:
        if p.publishes:
            needed = [self._prior_results(p), self.settings.executed / f"{p.name}.ipynb"]
            if self.fallback:
                needed.append(self.settings.reports / f"{p.name}.html")
        else:
            folder = self._prior_results(p).parent
            needed = [self._prior_results(p), folder / f"{p.name}.html"]
        return all(f.is_file() for f in needed)

    def _ledger_inputs(self, name: str) -> dict[str, str]:
        others = [f for f in self.settings.published_results.glob("*.json") if f.stem != name]
        return {f"results {k.removesuffix('.json')}": v
                for k, v in cache_mod.digest_files(others, self.settings.published_results).items()}

    def plan(self, name: str) -> Planned:
        """Inputs of ``name`` now, and the reasons it must run (empty: it can be skipped)."""
        p = Planned(name, self.parameters[name], {})
        prior = files.read_json(self._prior_results(p), {}) or {}
        series = prior.get("series_used") if "series_used" in prior else None
        extra = self._ledger_inputs(name) if runs_last(name) else None
        p.inputs = cache_mod.notebook_inputs(notebooks_dir() / f"{name}.ipynb", p.parameters, series,
                                             self.series_sha, extra)
        if name in self.forced:
            p.reasons = ["--force"]
        elif p.publishes and self.previous.get(name) is not None and self.previous[name].status != "ok":
            p.reasons = ["last run failed"]
        elif p.cache_id in self.cache.entries and not self._outputs_exist(p):
            p.reasons = ["outputs missing"]
        elif not self._outputs_exist(p):
            p.reasons = ["never run"]
        else:
            p.reasons = cache_mod.reasons(self.cache.entries.get(p.cache_id), p.inputs)
        return p

    def dry_run(self) -> list[Planned]:
        """Print what would run and why, and what would be skipped; execute nothing."""
        first = [self.plan(n) for n in self.names if not runs_last(n)]
        running = [p.name for p in first if p.reasons]
        out = list(first)
        for name in (n for n in self.names if runs_last(n)):
            p = self.plan(name)
            if not p.reasons and running:
                p.reasons = [f"runs if the results of {', '.join(running)} change"]
            out.append(p)
        for p in out:
            self.echo(_plan_line(p))
        site = "the site would be rebuilt" if any(p.reasons for p in out) else "the site is up to date"
        self.echo(site if not self.fallback else site.replace("the site", "the pages and index"))
        return out

    # -- running ----------------------------------------------------------------------------------------------

    def run(self) -> list[NotebookRun]:
        """Run what changed (the ledger last), publish, and write results, runs and the site."""
        done: list[NotebookRun] = []
        kernel = ""
        for wave in ([n for n in self.names if not runs_last(n)], [n for n in self.names if runs_last(n)]):
            planned = [self.plan(n) for n in wave]
            todo = [p for p in planned if p.reasons]
            for p in planned:
                if not p.reasons:
                    self.echo(_plan_line(p))
            if todo and not kernel:
                kernel = kernel_name()
            done += self._execute(todo, kernel)
        site = self._finish(done)
        if site is None:
            done.append(NotebookRun("site", "failed", 0.0, "the site build failed (see above)", ""))
        else:
            self.cache.site = site
        self.cache.save()
        for line in self.missing.lines():  # what was missing and what it cost, last
            self.echo(line)
        return done

    def _missing(self, done: list[NotebookRun]) -> MissingSummary:
        """Missing series and what depends on them, with this run's failures and where they happened."""
        failed = {r.name: r.error or "failed" for r in done if r.status != "ok" and r.name in self.parameters}
        staged = {name: self.settings.executed / "stage" / name / ".executed" / f"{name}.ipynb"
                  for name in failed if self.parameters.get(name) == {}}  # a failed stage is kept
        return collect_missing(self.settings.root, failed, {k: v for k, v in staged.items() if v.is_file()})

    def _job(self, p: Planned, kernel: str) -> _Job:
        stage = self.settings.executed / "stage" / p.cache_id.replace("/", "__")
        return _Job(p.name, p.parameters, str(stage), str(self.settings.published_results), kernel, self.timeout,
                    self.fallback or not p.publishes, str(self.settings.root))

    def _execute(self, todo: list[Planned], kernel: str) -> list[NotebookRun]:
        if not todo:
            return []
        out: list[NotebookRun] = []
        total = len(todo)
        if self.jobs > 1:  # longest first (by the last run's time; unknown counts as long): a shorter makespan
            todo = sorted(todo, key=lambda p: -(self.previous[p.name].seconds if p.name in self.previous else 1e9))
        jobs = {p.cache_id: (p, self._job(p, kernel)) for p in todo}
        for i, p in enumerate(todo, 1):
            self.echo(f"start {p.name}{_params_note(p)} [{i}/{total}]: {'; '.join(p.reasons)}")
        if self.jobs == 1 or total == 1:
            for p, job in jobs.values():
                out.append(self._publish(p, _work(job), len(out) + 1, total))
            return out
        import multiprocessing

        with ProcessPoolExecutor(max_workers=min(self.jobs, total), mp_context=multiprocessing.get_context("spawn")) as ex:
            pending: dict[Future[NotebookRun], Planned] = {ex.submit(_work, job): p for p, job in jobs.values()}
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in finished:
                    p = pending.pop(fut)
                    try:
                        result = fut.result()
                    except Exception as exc:  # noqa: BLE001 - a crashed worker fails its notebook only
                        result = NotebookRun(p.name, "failed", 0.0, f"{type(exc).__name__}: {exc}", "")
                    out.append(self._publish(p, result, len(out) + 1, total))
        return out

    def _publish(self, p: Planned, run: NotebookRun, i: int, total: int) -> NotebookRun:
        stage = Path(self._job(p, "").stage)
        s = self.settings
        produced = stage / "results" / f"{p.name}.json"
        if run.status == "ok" and not produced.is_file():
            run.status, run.error = "failed", "the notebook recorded nothing (no results.start call?)"
        if not p.publishes:
            dest = s.runs / p.name / params.slug(p.parameters)
            for src, target in ((stage / f"{p.name}.html", dest / f"{p.name}.html"), (produced, dest / f"{p.name}.json"),
                                (stage / ".executed" / f"{p.name}.ipynb",
                                 s.executed / "runs" / p.name / f"{params.slug(p.parameters)}.ipynb")):
                if src.is_file():
                    files.copy(src, target)
            files.write_json(dest / "parameters.json", dict(sorted(p.parameters.items())))
            run.html = str((dest / f"{p.name}.html").relative_to(s.reports))
        elif run.status == "ok":
            # the same results as the published ones (a fresh clone has no cache, but has the committed results)
            same_results = files.digest(produced) == files.digest(s.published_results / f"{p.name}.json")
            files.copy(produced, s.published_results / f"{p.name}.json")
            files.copy(stage / ".executed" / f"{p.name}.ipynb", s.executed / f"{p.name}.ipynb")
            if (stage / f"{p.name}.html").is_file():
                files.copy(stage / f"{p.name}.html", s.reports / f"{p.name}.html")
            before = self.previous.get(p.name)
            if before is not None and before.status == "ok" and (same_results or self._unchanged_since(p.name)):
                run.seconds = before.seconds  # same bytes as before: keep the run time that made them
            run.html = f"{p.name}.html"
        else:
            old = s.reports / f"{p.name}.html"
            run.html = old.name if old.is_file() else ""
        if run.status == "ok":
            p.inputs = self.plan(p.name).inputs  # with the series this run read
            self.cache.entries[p.cache_id] = p.inputs
            self.cache.save()
            files.remove_tree(stage)
        else:
            self.cache.entries.pop(p.cache_id, None)
        where = "" if run.status == "ok" else f" (kept the published edition; this run's page: {stage / (p.name + '.html')})"
        note = f": {run.error}" if run.error else ""
        self.echo(f"{run.status:<6} {p.name}{_params_note(p)} in {run.seconds:.1f} s [{i}/{total}]{note}{where}")
        return run

    def _unchanged_since(self, name: str) -> bool:
        digests = self.cache.site
        s = self.settings
        return all(digests.get(str(f.relative_to(s.reports))) == files.digest(f)
                   for f in (s.published_results / f"{name}.json", s.executed / f"{name}.ipynb"))

    def _finish(self, done: list[NotebookRun]) -> dict[str, str] | None:
        """Write runs.json and results.json; rebuild the site when any of its inputs changed (None: it failed)."""
        s = self.settings
        published = [r for r in done if self.parameters.get(r.name) == {}]
        merged = {**self.previous, **{r.name: r for r in published}}
        merged = {k: v for k, v in sorted(merged.items()) if k in discover()}
        files.write_json(s.reports / "runs.json", {k: asdict(v) for k, v in merged.items()})
        self.missing = self._missing(done)
        write_results(s.reports, self.missing.to_dict() if self.missing else None)
        inputs = _site_inputs(s)
        if self.fallback:
            for name, run in merged.items():
                if run.status == "ok" and not (s.reports / f"{name}.html").is_file() and (
                        s.executed / f"{name}.ipynb").is_file():
                    _render_published(name)
            write_index(s.reports, merged)
        elif inputs != self.cache.site or not (s.reports / "index.html").is_file():
            from helpers.report import site

            self.echo("building the site")
            began = time.perf_counter()
            try:
                site.build_site(s.executed, s.reports)
            except Exception as exc:  # noqa: BLE001 - reported in one line; the published notebooks stay
                self.echo(f"failed site build: {type(exc).__name__}: {exc}")
                return None
            self.echo(f"built the site in {time.perf_counter() - began:.1f} s")
        else:
            self.echo("site up to date")
        return inputs


def _render_published(name: str) -> None:
    import nbformat

    from helpers.report.render import render_html

    s = paths.settings()
    render_html(nbformat.read(s.executed / f"{name}.ipynb", as_version=4), s.reports / f"{name}.html")


def _site_inputs(s: paths.Settings) -> dict[str, str]:
    inputs = [*s.executed.glob("*.ipynb"), *s.published_results.glob("*.json"), s.reports / "results.json",
              s.reports / "runs.json"]
    digests = cache_mod.digest_files(inputs, s.reports)
    site_dir = Path(__file__).resolve().parent  # the site's code, templates and pages; the curated tables it cites
    sources = sorted(p for p in site_dir.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    digests.update({f"site {p.relative_to(site_dir)}": files.digest(p) or "missing" for p in sources})
    digests.update({f"data {p.name}": files.digest(p) or "missing" for p in sorted(s.curated.glob("*.csv"))})
    return digests


def _params_note(p: Planned) -> str:
    return f" ({', '.join(f'{k}={v!r}' for k, v in sorted(p.parameters.items()))})" if p.parameters else ""


def _plan_line(p: Planned) -> str:
    if p.reasons:
        return f"run    {p.name}{_params_note(p)}: {'; '.join(p.reasons)}"
    return f"skip   {p.name}{_params_note(p)}: unchanged since its last run"


def run_all(names: list[str] | None = None, parameters: dict[str, Any] | None = None, *, jobs: int | None = None,
            timeout: int | None = None, dry_run: bool = False, force: bool = False,
            echo: Callable[[str], None] | None = None) -> list[NotebookRun]:
    """Run the notebooks whose inputs changed (all by default), publish, write results, runs and site.

    With ``dry_run`` nothing executes: what would run (and why) and what would be skipped is printed.
    """
    runner = Runner(names, parameters, jobs=jobs, timeout=timeout, echo=echo, force=force)
    if dry_run:
        runner.dry_run()
        return []
    return runner.run()


def _series_sha() -> dict[str, str]:
    """sha256 of each cached series, from the manifest (read as JSON: the runner does not load data)."""
    body = files.read_json(paths.raw_dir() / "manifest.json", {}) or {}
    entries = body.get("series", body) if isinstance(body, dict) else {}
    return {k: str(v.get("sha256", "")) for k, v in sorted(entries.items()) if isinstance(v, dict)}


def write_results(out: Path, missing: dict[str, Any] | None = None) -> dict[str, Any]:
    """Merge ``reports/results/*.json`` into ``reports/results.json`` (schema in DESIGN.md).

    ``missing`` (:meth:`helpers.report.missing.MissingSummary.to_dict`) is recorded as ``missing_data``
    only when some series are missing, so a run on complete data keeps the file's bytes.
    """
    from helpers.report.published import results_body

    body = results_body(out / "results")
    if missing:
        body["missing_data"] = missing
    files.write_json(out / "results.json", body)
    return body


def write_index(out: Path, runs: dict[str, NotebookRun]) -> None:
    """Write the fallback front page ``reports/index.html`` (until the Sphinx site exists)."""
    from helpers.report.index import index_page

    files.write_text(out / "index.html", index_page(out, {k: asdict(v) for k, v in runs.items()}))


def _previous_runs(out: Path) -> dict[str, NotebookRun]:
    body = files.read_json(out / "runs.json", {}) or {}
    return {k: NotebookRun(**v) for k, v in body.items()}

