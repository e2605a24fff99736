"""JupyterLab server configuration for the Galata specs behind a kernel gateway
(playwright.gateway.config.js): every kernel runs in the jupyter-kernel-gateway on
127.0.0.1:8890, and this server, on 127.0.0.1:8891, proxies their websockets to it."""

from jupyterlab.galata import configure_jupyter_server

c = get_config()  # type: ignore[name-defined]  # noqa: F821
configure_jupyter_server(c)
c.ServerApp.ip = "127.0.0.1"
c.ServerApp.port = 8891
c.ServerApp.port_retries = 0
c.ServerApp.open_browser = False
c.ServerApp.allow_root = True  # CI runs as root; Jupyter refuses to start as root otherwise
c.LabApp.expose_app_in_browser = True
c.GatewayClient.url = "http://127.0.0.1:8890"
c.GatewayClient.request_timeout = 120.0  # a loaded machine starts kernels slowly
