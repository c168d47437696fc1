"""alpaca-py's StockDataStream or CryptoDataStream in a thread, recording every parsed message by kind."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any


class MarketDataRecorder:
    def __init__(self, stream: Any) -> None:
        self.received: dict[str, list] = {"bars": [], "quotes": [], "trades": []}
        self.stream = stream
        self.thread = threading.Thread(target=self.stream.run, name="market-data-stream", daemon=True)

    def recorder(self, kind: str):  # noqa: ANN201 - an async handler
        async def record(item: object) -> None:
            self.received[kind].append(item)
        return record

    def stop(self) -> None:
        while self.stream._loop is None:
            time.sleep(0.01)
        asyncio.run_coroutine_threadsafe(self.stream.stop_ws(), self.stream._loop).result(5)
        self.thread.join(8)
        assert not self.thread.is_alive()
