"""The PySpark notebook: valid nbformat, outputs stripped, and every code cell compiles.

There is no PySpark on the build machines, so it is not executed; the facade it calls is tested
through jpype (test_facade.py), and the Java notebooks are executed (NotebooksTest).
"""

import pathlib

import nbformat

ROOT = pathlib.Path(__file__).resolve().parents[3]


def test_the_pyspark_notebook_is_valid_and_its_cells_compile():
    path = ROOT / "notebooks" / "pyspark-quickstart.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    nbformat.validate(nb)
    cells = [c for c in nb.cells if c.cell_type == "code"]
    assert cells, "code cells"
    for c in cells:
        assert not c.outputs and c.execution_count is None, "outputs are stripped"
        compile(c.source, f"{path.name}:{c.get('id')}", "exec")
    assert any("spark_nlsq.fit(" in c.source for c in cells)
