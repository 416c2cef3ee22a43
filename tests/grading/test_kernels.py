"""The grading kernels' client: ready when the kernel is, and nothing of the
first cell's output lost."""

import asyncio

from jupyter_client.manager import AsyncKernelManager

from autograder.grading.kernel_client import ReadyKernelClient


def test_ready_client_sees_all_of_the_first_cells_output(tmp_path):
    async def run() -> tuple[list[str], str]:
        km = AsyncKernelManager(transport="ipc", ip=str(tmp_path / "kernel"),
                                client_class="autograder.grading.kernel_client.ReadyKernelClient")
        await km.start_kernel()
        try:
            kc = km.client()
            assert isinstance(kc, ReadyKernelClient)
            kc.start_channels()
            await kc.wait_for_ready(timeout=60)
            msg_id = kc.execute("print('first'); print('second')")
            texts, state = [], ""
            while state != "idle":
                msg = await kc.get_iopub_msg(timeout=30)
                if msg["parent_header"].get("msg_id") != msg_id:
                    continue
                if msg["msg_type"] == "stream":
                    texts.append(msg["content"]["text"])
                state = msg["content"].get("execution_state", state)
            kc.stop_channels()
            return texts, state
        finally:
            await km.shutdown_kernel(now=True)

    texts, state = asyncio.run(run())
    assert "".join(texts) == "first\nsecond\n"
    assert state == "idle"
