"""A real jupyter-kernel-gateway on 127.0.0.1 in a subprocess, from the same environment as
the tests (ipycomm joins it through ipycomm.pth), and a jupyter_client of its kernels."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from jupyter_client.blocking.client import BlockingKernelClient
from server_harness import _free_port


class Gateway:
    def __init__(self, tmp: Path, *args: str) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.runtime = tmp / "gateway-runtime"
        self.log = tmp / "gateway.log"
        command = [
            sys.executable, "-m", "kernel_gateway", "--KernelGatewayApp.ip=127.0.0.1",
            f"--KernelGatewayApp.port={self.port}", "--KernelGatewayApp.port_retries=0",
            "--KernelGatewayApp.log_level=DEBUG", "--JupyterWebsocketPersonality.list_kernels=True",
            *args,
        ]  # fmt: skip
        env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(self.runtime)}
        with self.log.open("w") as out:
            self.process = subprocess.Popen(command, stdout=out, stderr=out, cwd=tmp, env=env)
        deadline = time.monotonic() + 60
        while not re.search(r"is available at http://127\.0\.0\.1", self.log.read_text()):
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise AssertionError(f"gateway did not start:\n{self.log.read_text()}")
            time.sleep(0.1)  # polling the gateway's own log for readiness

    def client(self, kernel_id: str) -> BlockingKernelClient:
        """A plain jupyter_client of one of the gateway's kernels, with its own session: a
        client beside the pages (VS Code, nbclient) that never heard of ipycomm."""
        info = json.loads((self.runtime / f"kernel-{kernel_id}.json").read_text())
        client = BlockingKernelClient()
        client.load_connection_info(info)
        client.start_channels()
        return client

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
