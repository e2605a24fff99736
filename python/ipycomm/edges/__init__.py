"""ipycomm's two edges outside the kernel: the jupyter_server extension (:mod:`.server`) and the
flow-control reader for Python programs that drive a kernel with jupyter_client
(:mod:`.reader`). The page's reader is ``src/kernel/reader.ts``."""
