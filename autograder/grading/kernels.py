"""A kernel client that is ready as soon as its kernel is.

jupyter_client's ``wait_for_ready`` ends by draining IOPub until 0.2 s pass
without a message: a fifth of a second of idling per kernel, for every
submission. This client keeps its checks (the kernel answers kernel_info, and a
message arrives on IOPub, so that channel is connected) and drains only what
has already arrived. Messages left over are start-up status messages: nbclient
reads only replies to its own requests and skips the rest.
"""

from __future__ import annotations

import time
from queue import Empty

from jupyter_client.asynchronous import AsyncKernelClient


class ReadyKernelClient(AsyncKernelClient):
    async def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            self.kernel_info()
            try:
                reply = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                reply = None
            if reply is not None and reply["msg_type"] == "kernel_info_reply":
                try:  # IOPub connected? (a subscriber misses what was sent before it joined)
                    await self.iopub_channel.get_msg(timeout=0.2)
                except Empty:
                    pass
                else:
                    self._handle_kernel_info_reply(reply)
                    break
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")
        while True:  # what already arrived, without waiting for more
            try:
                await self.iopub_channel.get_msg(timeout=0)
            except Empty:
                break
