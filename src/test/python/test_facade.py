"""The PySpark facade, driven through Debian's jpype instead of py4j (no PySpark here).

Needs SPARK_NLSQ_CLASSPATH (the JVM classpath) and SPARK_NLSQ_JVM_OPTIONS (Spark's --add-opens
flags), which PythonFacadeTest sets; skipped by the Airflow-only run.
"""

import os
import pathlib
import sys
import types

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "src" / "main" / "python"))

import spark_nlsq  # noqa: E402

CLASSPATH = os.environ.get("SPARK_NLSQ_CLASSPATH")
pytestmark = pytest.mark.skipif(CLASSPATH is None, reason="run by PythonFacadeTest, which sets the classpath")


@pytest.fixture(scope="module")
def spark():
    import jpype

    if not jpype.isJVMStarted():
        options = [o for o in os.environ.get("SPARK_NLSQ_JVM_OPTIONS", "").split(" ") if o]
        jpype.startJVM(*options, classpath=CLASSPATH.split(os.pathsep) + ["/usr/share/java/org.jpype.jar"],
                       convertStrings=False)
    # the shape PySpark gives: spark._jvm.org.sparknlsq...
    return types.SimpleNamespace(_jvm=types.SimpleNamespace(org=jpype.JPackage("org")))


def test_a_fit_returns_the_result_document(spark):
    r = spark_nlsq.fit(spark, data=str(ROOT / "conf/examples/decay.csv"), x="x", y="y", sigma="sigma",
                       model="a*exp(-b*x) + c", params={"a": 1, "b": 1, "c": 0})
    assert r["success"] is True
    assert abs(r["parameters"]["a"] - 3.0) < 0.02
    assert abs(r["parameters"]["b"] - 1.3) < 0.02
    assert r["n_points"] == 1000
    assert "diagnostics" in r and r["diagnostics"]["batch_success_rate"] == 1.0


def test_snake_case_options_and_bounds(spark):
    r = spark_nlsq.fit(spark, data=str(ROOT / "conf/examples/decay.csv"), x="x", y="y", sigma="sigma",
                       model="a*exp(-b*x) + c", params={"a": 1, "b": 1, "c": 0},
                       bounds={"b": [0, 1.2]}, f_scale=0.5, loss="soft_l1", absolute_sigma=True)
    assert r["loss"] == "soft_l1"
    assert r["absolute_sigma"] is True
    assert r["parameters"]["b"] <= 1.2


def test_a_fit_that_cannot_run_raises_with_the_one_line_message(spark):
    with pytest.raises(spark_nlsq.FitError, match="no-such.csv"):
        spark_nlsq.fit(spark, data="no-such.csv", x="x", y="y", model="a*x", params={"a": 1})
    with pytest.raises(spark_nlsq.FitError, match="unknown"):
        spark_nlsq.fit(spark, data=str(ROOT / "conf/examples/decay.csv"), x="x", y="y", model="a*x",
                       params={"a": 1}, no_such_option=3)


def test_none_values_are_left_out():
    assert spark_nlsq.mapping(a=1, b=None) == {"a": 1}


def test_output_writes_the_result_document(spark, tmp_path):
    import json

    out = tmp_path / "day" / "result.json"
    r = spark_nlsq.fit(spark, data=str(ROOT / "conf/examples/decay.csv"), x="x", y="y", sigma="sigma",
                       model="a*exp(-b*x) + c", params={"a": 1, "b": 1, "c": 0}, output=str(out))
    assert json.loads(out.read_text())["parameters"] == r["parameters"]


def test_errors_name_the_keyword_not_a_temporary_file(spark):
    with pytest.raises(spark_nlsq.FitError) as e:
        spark_nlsq.fit(spark, data=str(ROOT / "conf/examples/decay.csv"), x="x", y="y", model="a*x",
                       params={"a": 1}, max_iterations=0)
    assert "maxIterations" in str(e.value) or "max_iterations" in str(e.value)
    assert ".yaml" not in str(e.value)
