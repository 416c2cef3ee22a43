"""Runs inside the sandbox: a learner's solution cells, then each test cell
alone, in plain Python (no IPython hooks to silence failures). Results leave
through a file descriptor captured before any learner code runs."""

import copy
import json
import os
import sys
import traceback


def main() -> None:
    write, out_fd = os.write, os.dup(1)  # captured first: learner code cannot redirect them
    payload = json.load(sys.stdin)
    devnull = open(os.devnull, "w")
    sys.stdout = sys.stderr = devnull  # learner prints cannot pose as results
    namespace = {"__name__": "__main__"}
    for source in payload["solutions"]:
        try:  # like a notebook: a failing cell does not stop the next ones
            exec(compile(source, "<learner cell>", "exec"), namespace)
        except BaseException:  # noqa: BLE001 - anything a learner cell raises
            pass
    results = {}
    for grade_id, source in payload["tests"].items():
        try:
            exec(compile(source, f"<{grade_id}>", "exec"), copy.copy(namespace))
            results[grade_id] = [True, ""]
        except BaseException as err:  # noqa: BLE001
            results[grade_id] = [False, "".join(traceback.format_exception_only(type(err), err)).strip()[:300]]
    write(out_fd, json.dumps({"nonce": payload["nonce"], "results": results}).encode())
    os._exit(0)


if __name__ == "__main__":
    main()
