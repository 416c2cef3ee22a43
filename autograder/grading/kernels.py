"""The grading kernels' manager and client: no idle waits around a kernel's life.

Three waits in jupyter_client are idle time for every submission:
- ``wait_for_ready`` ends by draining IOPub until 0.2 s pass without a message.
  The client here keeps its checks (the kernel answers kernel_info, and a message
  arrives on IOPub, so that channel is connected) and drains only what has
  already arrived: what is left are start-up status messages, and nbclient reads
  only replies to its own requests.
- After killing a kernel, the manager polls for its end every 0.1 s; a killed
  process is gone within milliseconds, so it polls every 5 ms.
- Sockets connecting before the kernel has bound its own retry every 0.1 s
  (ZeroMQ's default); here every 10 ms.
"""

from __future__ import annotations

import time
from queue import Empty

import zmq
import zmq.asyncio
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from traitlets import DottedObjectName, Type, default


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
                raise RuntimeError("Kernel didn't respond before it died")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")
        while True:  # what already arrived, without waiting for more
            try:
                await self.iopub_channel.get_msg(timeout=0)
            except Empty:
                break


class GradingKernelManager(AsyncKernelManager):
    client_class = DottedObjectName("autograder.grading.kernels.ReadyKernelClient")
    client_factory = Type(klass=ReadyKernelClient)

    @default("context")
    def _context_default(self) -> zmq.asyncio.Context:
        context = super()._context_default()
        context.setsockopt(zmq.RECONNECT_IVL, 10)
        return context

    async def _async_wait(self, pollinterval: float = 0.1) -> None:
        await super()._async_wait(pollinterval=min(pollinterval, 0.005))
