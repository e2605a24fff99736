"""Every notebook in examples/ runs top to bottom in a real kernel without an error."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.ipynb"))


def test_there_is_one_example_per_seed_example_and_two_for_widgets_from_python() -> None:
    """The seed has four examples; examples/ has a notebook for each, plus widgets from Python
    and a synced state."""
    assert len(EXAMPLES) == 6


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_notebook_runs_without_error(path: Path) -> None:
    """The notebook executes as-is, and its code runs on ipycomm."""
    notebook = nbformat.read(path, as_version=4)
    # The kernel runs in examples/, as in JupyterLab, so notebooks find their files there.
    client = NotebookClient(
        notebook,
        timeout=60,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
