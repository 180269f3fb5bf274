"""Loading the screening model in the background, so start-up never waits for it.

`ScreeningStartup.begin()` starts the load (in a worker thread); meanwhile the bot answers
commands and `ScreeningService.handle_message` stores messages unscreened. Once the backend
is ready the service scores with it, and the screening cog catches up on what waited
(`wait_loaded()` tells it when). `describe()` is the line `/about` and `/mod screening
status` show: the active backend and why, or that it is still loading, or why it failed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from bot.screening.backend import ModelLoadError
from bot.screening.loader import ActiveBackend, ScreeningSettings, load_backend_async
from bot.screening.normalise import default_lexicon
from bot.screening.pipeline import ScreeningPipeline
from bot.screening.service import ScreeningService
from bot.tasks import stop_task

log = logging.getLogger(__name__)


class ScreeningStartup:
    """Owns the background load and the pipeline's lifetime (closed, flushed, at shutdown)."""

    def __init__(
        self,
        service: ScreeningService,
        settings: ScreeningSettings,
        loader: Callable[[ScreeningSettings], Awaitable[ActiveBackend]] = load_backend_async,
    ) -> None:
        self.service = service
        self.settings = settings
        self._loader = loader
        self.failure: str | None = None
        self._loaded = asyncio.Event()
        self._finished = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def begin(self) -> None:
        """Start loading in the background (call once, on the running event loop)."""
        self._task = asyncio.create_task(self._load(), name="screening-model-load")

    @property
    def loaded(self) -> bool:
        return self._loaded.is_set()

    async def wait_loaded(self) -> bool:
        """Wait until loading ends: True if the service can score, False if loading failed."""
        await self._finished.wait()
        return self.loaded

    def describe(self) -> str:
        """The active backend and why (for /about and /mod screening status)."""
        if self.failure is not None:
            return f"none: {self.failure}. Messages are stored unscreened until it loads."
        if not self.loaded:
            return (
                f"loading {self._wanted()} in the background; messages are stored "
                "and screened once it is ready"
            )
        return self.service.status()

    async def close(self) -> None:
        """Stop a load still running, then score what is queued and stop the worker."""
        await stop_task(self._task)
        if self.service.pipeline is not None:
            await self.service.pipeline.close()

    async def _load(self) -> None:
        try:
            active = await self._loader(self.settings)
            await asyncio.to_thread(default_lexicon)  # normalisation's word list, loaded once
        except ModelLoadError as exc:
            self.failure = f"{exc.why} (TOXICITY_FALLBACK=off). Fix: {exc.fix}"
        except Exception as exc:  # a broken install must not stop the bot from running
            log.exception("the screening backend could not be loaded")
            self.failure = f"the screening backend could not be loaded: {exc}"
        else:
            pipeline = ScreeningPipeline(
                active.backend, reason=active.reason, defer_second_look=True
            )
            self.service.use_pipeline(pipeline)
            self._loaded.set()
            log.info("screening backend ready: %s (%s)", active.name, active.reason)
        finally:
            self._finished.set()

    def _wanted(self) -> str:
        if self.settings.toxicity_backend == "embedded":
            return "the embedded backend"
        return f"Detoxify ({self.settings.toxicity_model})"
