"""The grading kernels' manager and client: ready when the kernel is, nothing of
the first cell's output lost, and stopped for good."""

import asyncio

from autograder.grading.kernels import GradingKernelManager, ReadyKernelClient


def test_ready_client_sees_all_of_the_first_cells_output(tmp_path):
    async def run() -> tuple[list[str], str, bool]:
        km = GradingKernelManager(transport="ipc", ip=str(tmp_path / "kernel"))
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
        finally:
            await km.shutdown_kernel(now=True)
        return texts, state, await km.is_alive()

    texts, state, alive = asyncio.run(run())
    assert "".join(texts) == "first\nsecond\n"
    assert state == "idle"
    assert not alive
