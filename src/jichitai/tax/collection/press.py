"""The bulk issuance's print press: batches of notices typeset into PDF files, in this process (one worker) or in
a pool of worker processes, while the caller goes on reading the next batches from the database.

Why a pool: a 納税通知書 costs several ms of CPU in Typst and the whole issuance ran in one process (issue 21:
Kobe's notices in < 15 min on 2 cores). The workers are *spawned* (a fresh interpreter that imports this module,
which needs no Django and no database): a forked child of a process that runs threads can hang on a lock one of
them held (it hung our test suite twice). At most ``workers + 1`` batches are out at once, so the caller's
memory holds a bounded number of batches' data. After each file the process lets go of what Typst memoised for it
(:func:`~jichitai.registry.certificates.render.forget_layouts`): a bulk run's batches never recur, and Typst kept
the last ten batches' layouts, ≈ 1.9 GB a worker (two workers summed 4.04 GiB at 20,000 residents, over the issue's
4 GB); now ≈ 0.3 GB a process (docs/benchmarks.md), so the command's default is two workers.

A file exists only whole: it is written under a temporary name and renamed when complete, so a batch that fails
leaves no file. The caller learns each file's completion in the order it submitted them (its progress bar and
counts follow that order); the first failure stops the run with :class:`PressError`, naming the file and the
cause. The files submitted before it are complete; it and every file submitted after it are absent (a batch
already running beside it is waited for and its file removed), so what stands is the run up to that file.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import Any

from jichitai.tax.errors import TaxError


class PressError(TaxError):
    """A batch could not be typeset or written; nothing of it was written."""

    code = "issuance_failed"
    status = 500


def write_pdf(path: Path, template: Path, data: list[dict[str, Any]] | dict[str, Any], *, tags: bool = False) -> None:
    """``data`` typeset with ``template`` into ``path``, whole or not at all (temporary name, then rename).
    ``tags`` False: no PDF structure tree — paper for the print room; it prints the same characters, costs ~1 ms
    of CPU less a 納税通知書 and makes the file ~4 times smaller (docs/benchmarks.md). Typst's memo of the batch is
    dropped afterwards (see the module)."""
    from jichitai.registry.certificates.render import forget_layouts, typst_pdf

    part = path.with_name(path.name + ".part")
    try:
        part.write_bytes(typst_pdf(template, data, tags=tags))
        os.replace(part, path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    finally:
        forget_layouts()


def _write_in_worker(path: Path, template: Path, data: list[dict[str, Any]] | dict[str, Any]) -> None:
    """:func:`write_pdf` in a worker: its error comes back as plain text (a Typst error may not pickle)."""
    try:
        write_pdf(path, template, data)
    except Exception as exc:
        raise RuntimeError(f"{type(exc).__name__}: {exc}") from None


class Press:
    """Submit (file, template, data, done); ``done`` is called in this process once the file is written, in the
    order of submission. Use as a context manager: leaving it waits for every file (or, after an error, for the
    workers to stop)."""

    def __init__(self, workers: int = 1) -> None:
        self.workers = max(1, workers)
        self._pool: ProcessPoolExecutor | None = None
        self._out: deque[tuple[Future[None], Path, Callable[[], None]]] = deque()
        if self.workers > 1:
            self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"))

    def submit(self, path: Path, template: Path, data: list[dict[str, Any]] | dict[str, Any],
               done: Callable[[], None]) -> None:
        if self._pool is None:
            self._run(lambda: write_pdf(path, template, data), path)
            done()
            return
        while len(self._out) > self.workers:  # at most workers + 1 batches out
            self._collect()
        self._out.append((self._pool.submit(_write_in_worker, path, template, data), path, done))

    def finish(self) -> None:
        while self._out:
            self._collect()

    def _collect(self) -> None:
        future, path, done = self._out.popleft()
        try:
            self._run(future.result, path)
        except PressError:
            self._discard_the_rest()
            raise
        done()

    def _discard_the_rest(self) -> None:
        """After a failure: the batches not started are cancelled, those running finish, and their files go."""
        assert self._pool is not None
        self._pool.shutdown(wait=True, cancel_futures=True)
        while self._out:
            _, path, _ = self._out.popleft()
            path.unlink(missing_ok=True)

    @staticmethod
    def _run(call: Callable[[], Any], path: Path) -> None:
        try:
            call()
        except Exception as exc:
            raise PressError(f"PDF {path.parent.name}/{path.name} を作れませんでした（{exc}）。このファイルは書かれて"
                             "いません。それより前のファイルは完成しています。原因を直してから発送処理をやり直してください。",
                             path=str(path), cause=str(exc)) from exc

    def __enter__(self) -> Press:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        try:
            if kind is None:
                self.finish()
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
