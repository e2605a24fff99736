"""JupyterLab server for the real-time collaboration specs (ui-tests/rtc/), run from .venv-rtc.

Like jupyter_server_test_config.py, on its own port, with every file jupyter-collaboration
writes (Y updates, file ids, session ids) in a fresh temporary folder instead of ui-tests/.
"""

from pathlib import Path
from tempfile import mkdtemp

from jupyterlab.galata import configure_jupyter_server

c = get_config()  # type: ignore[name-defined]  # noqa: F821
configure_jupyter_server(c)
c.ServerApp.ip = "127.0.0.1"
c.ServerApp.port = 8889
c.ServerApp.port_retries = 0
c.ServerApp.open_browser = False
c.ServerApp.allow_root = True  # CI runs as root; Jupyter refuses to start as root otherwise
c.LabApp.expose_app_in_browser = True

state = Path(mkdtemp(prefix="ipycomm-rtc-state-"))
c.SQLiteYStore.db_path = str(state / "ystore.db")
c.BaseFileIdManager.db_path = str(state / "file_id_manager.db")
c.YDocExtension.session_store_path = str(state / "collaboration_sessions.json")
