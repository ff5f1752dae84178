"""The Airflow DAG, loaded against a stand-in Airflow that rejects arguments the real one lacks."""

import importlib.util
import json
import pathlib
import py_compile
import sys

import pytest

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[2]
DAG_FILE = ROOT / "jobs" / "airflow" / "spark_nlsq_fit.py"
sys.path.insert(0, str(HERE))

import airflow_standin  # noqa: E402


def load_dag():
    airflow_standin.install()
    spec = importlib.util.spec_from_file_location("spark_nlsq_fit", DAG_FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_dag_compiles():
    py_compile.compile(str(DAG_FILE), doraise=True)


def test_the_task_is_a_spark_submit_of_the_cli_with_retries():
    m = load_dag()
    (task,) = m.dag.tasks
    k = task.kwargs
    assert k["java_class"] == "org.sparknlsq.cli.Main"
    assert k["application"].endswith(".jar")
    assert k["retries"] >= 1
    assert k["properties_file"].endswith("spark-defaults.conf")


def test_retries_resume_and_everything_is_keyed_by_the_logical_date():
    m = load_dag()
    args = m.dag.tasks[0].kwargs["application_args"]
    assert args[0] == "fit"
    opts = dict(zip(args[1::2], args[2::2]))
    assert opts["--resume"] == "auto"
    for key in ("--data", "--checkpoint-dir", "--output"):
        assert "{{ ds }}" in opts[key], key
    assert opts["--output"].endswith("/result.json")
    assert opts["--job-id"] == "{{ run_id }}"


def test_a_misspelt_argument_is_rejected_by_the_stand_in():
    airflow_standin.install()
    with pytest.raises(TypeError, match="application_arg"):
        airflow_standin.SparkSubmitOperator(task_id="t", application_arg=["fit"])


def test_rendered_arguments_for_the_java_side(tmp_path):
    """Writes the arguments for one date, as Airflow renders them, for the CLI parse test."""
    m = load_dag()
    rendered = m.application_args(day="2026-11-29", root="file:///tmp/beamline", run_id="scheduled__2026-11-29")
    out = pathlib.Path(tmp_path) / "args.json"
    out.write_text(json.dumps(rendered))
    assert json.loads(out.read_text())[0] == "fit"


if __name__ == "__main__":
    # python3 test_airflow_dag.py render DAY ROOT: prints the application_args as Airflow renders
    # them for that logical date, with the data under ROOT (for the Java test that runs them)
    if len(sys.argv) == 4 and sys.argv[1] == "render":
        print(json.dumps(load_dag().application_args(day=sys.argv[2], root=sys.argv[3],
                                                     run_id="manual__" + sys.argv[2])))
