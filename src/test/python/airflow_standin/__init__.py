"""A stand-in for the parts of Airflow the DAG imports (Airflow is not installable here).

SparkSubmitOperator accepts exactly the keyword arguments of the real operator
(apache-airflow-providers-apache-spark 5.x) and of BaseOperator that a DAG file is likely to use;
any other name raises TypeError, as the real class does, so a misspelt argument fails the test.
"""

import sys
import types

SPARK_SUBMIT_ARGS = {
    "application", "conf", "conn_id", "files", "py_files", "archives", "driver_class_path", "jars",
    "java_class", "packages", "exclude_packages", "repositories", "total_executor_cores",
    "executor_cores", "executor_memory", "driver_memory", "keytab", "principal", "proxy_user", "name",
    "num_executors", "status_poll_interval", "application_args", "env_vars", "verbose", "spark_binary",
    "properties_file", "yarn_queue", "deploy_mode", "use_krb5ccache",
}
BASE_OPERATOR_ARGS = {
    "task_id", "owner", "email", "retries", "retry_delay", "retry_exponential_backoff",
    "max_retry_delay", "execution_timeout", "dag", "pool", "queue", "priority_weight",
    "trigger_rule", "depends_on_past", "wait_for_downstream", "sla", "doc_md", "params",
}
DAG_ARGS = {
    "dag_id", "description", "schedule", "start_date", "end_date", "catchup", "max_active_runs",
    "default_args", "tags", "params", "doc_md", "dagrun_timeout",
}


class DAG:
    current = None

    def __init__(self, **kwargs):
        unknown = set(kwargs) - DAG_ARGS
        if unknown:
            raise TypeError(f"DAG() got unexpected keyword arguments {sorted(unknown)}")
        self.kwargs = kwargs
        self.tasks = []

    def __enter__(self):
        DAG.current = self
        return self

    def __exit__(self, *exc):
        DAG.current = None
        return False


class SparkSubmitOperator:
    def __init__(self, **kwargs):
        unknown = set(kwargs) - SPARK_SUBMIT_ARGS - BASE_OPERATOR_ARGS
        if unknown:
            raise TypeError(f"SparkSubmitOperator() got unexpected keyword arguments {sorted(unknown)}")
        if "task_id" not in kwargs:
            raise TypeError("SparkSubmitOperator() missing required argument 'task_id'")
        self.kwargs = kwargs
        self.dag = DAG.current
        if self.dag is not None:
            merged = dict(self.dag.kwargs.get("default_args", {}))
            unknown = set(merged) - BASE_OPERATOR_ARGS
            if unknown:
                raise TypeError(f"default_args has names BaseOperator lacks: {sorted(unknown)}")
            merged.update(kwargs)
            self.kwargs = merged
            self.dag.tasks.append(self)


class Variable:
    @staticmethod
    def get(key, default_var=None):
        return default_var


def install():
    """Registers the stand-in modules under Airflow's names."""
    airflow = types.ModuleType("airflow")
    airflow.DAG = DAG
    models = types.ModuleType("airflow.models")
    models.Variable = Variable
    models.DAG = DAG
    op = types.ModuleType("airflow.providers.apache.spark.operators.spark_submit")
    op.SparkSubmitOperator = SparkSubmitOperator
    for name in ["airflow.providers", "airflow.providers.apache", "airflow.providers.apache.spark",
                 "airflow.providers.apache.spark.operators"]:
        sys.modules.setdefault(name, types.ModuleType(name))
    sys.modules["airflow"] = airflow
    sys.modules["airflow.models"] = models
    sys.modules["airflow.providers.apache.spark.operators.spark_submit"] = op
