"""Progress lines for long steps (ape compile, solc-js, each scenario): a spinner and elapsed
time while a step runs, then a tick or a cross that stays on screen."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn


class Step:
    def __init__(self, progress: Progress, task_id, description: str):
        self._progress = progress
        self._task = task_id
        self.description = description
        self._note = ""
        self.warned = False

    def warn(self, text: str) -> None:
        """Like note(), and the step ends with a yellow mark instead of a tick."""
        self.warned = True
        self.note(text)

    def note(self, text: str) -> None:
        """A short remark shown after the step's name (e.g. 'cached')."""
        self._note = text
        self._progress.update(self._task, description=self._label("…"))

    def _label(self, mark: str) -> str:
        note = f" [dim]({escape(self._note)})[/dim]" if self._note else ""
        return f"{mark} {escape(self.description)}{note}"


class Steps:
    """Owns the rich progress display for one run."""

    def __init__(self, console: Console | None = None):
        self.console = console or Console(stderr=True)
        self._progress = Progress(
            SpinnerColumn(finished_text=""),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=self.console,
        )

    def __enter__(self) -> Steps:
        self._progress.start()
        return self

    def __exit__(self, *exc) -> None:
        self._progress.stop()

    @contextmanager
    def step(self, description: str) -> Iterator[Step]:
        task = self._progress.add_task(escape(description), total=1)
        step = Step(self._progress, task, description)
        step._progress.update(task, description=step._label("…"))
        try:
            yield step
        except BaseException:
            self._progress.update(task, completed=1, description=step._label("[red]✗[/red]"))
            self._progress.stop_task(task)
            raise
        mark = "[yellow]![/yellow]" if step.warned else "[green]✓[/green]"
        self._progress.update(task, completed=1, description=step._label(mark))
        self._progress.stop_task(task)
