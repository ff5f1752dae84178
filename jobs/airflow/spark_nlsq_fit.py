"""Daily spark-nlsq fit of one day's scans, scheduled by Airflow.

The task runs `spark-submit ... org.sparknlsq.cli.Main fit ...` through SparkSubmitOperator
(provider apache-airflow-providers-apache-spark). What makes it safe to retry and to rerun:

* **Retries resume.** Every attempt of a logical date checkpoints to the same directory and starts
  with `--resume auto`: a retry after a lost driver goes on from the newest valid checkpoint and
  ends with the same bits as an uninterrupted run (a checkpoint of other settings or data is
  refused, exit 5, rather than mixed in).
* **Reruns are idempotent.** The input, the checkpoints and the result are keyed by the logical
  date (`{{ ds }}`), and the result JSON is committed atomically (rename on HDFS, one PUT on S3):
  a rerun replaces it with the same content, and a reader never sees half of it.
* **Exit codes** (spark-nlsq's README): 0 success; 4 not converged and 7 too few batches
  succeeded (both write the JSON with success=false); 2 configuration, 3 data, 5 checkpoint,
  6 numerical start error; 1 internal. Any non-zero code fails the task. Codes 2-7 are
  deterministic, so a retry gives the same answer, but cheaply: it resumes.

Settings come from Airflow Variables (with defaults) so the file holds no site paths.
"""

from datetime import datetime, timedelta

from airflow import DAG
from airflow.models import Variable
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

APP_JAR = Variable.get("spark_nlsq_app_jar", default_var="/opt/spark-nlsq/spark-nlsq-app.jar")
ROOT = Variable.get("spark_nlsq_root", default_var="s3a://beamline")
PROPERTIES = Variable.get("spark_nlsq_properties", default_var="/opt/spark-nlsq/conf/spark-defaults.conf")


def application_args(day="{{ ds }}", root=ROOT, run_id="{{ run_id }}"):
    """The `fit` command line for one logical date (templated by Airflow when it runs)."""
    return [
        "fit",
        "--data", f"{root}/scans/{day}/",
        "--format", "parquet",
        "--x", "t",
        "--y", "g2",
        "--sigma", "sigma",
        "--model", "builtin:exponential_decay",
        "--params", "a=1,b=1,c=0",
        "--checkpoint-dir", f"{root}/checkpoints/{day}",
        "--checkpoint-every", "5",
        "--resume", "auto",
        "--output", f"{root}/fits/{day}/result.json",
        "--job-id", run_id,
        "--progress", "never",
    ]


with DAG(
    dag_id="spark_nlsq_daily_fit",
    description="Fit each day's scans with spark-nlsq; retries resume from checkpoints",
    schedule="@daily",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args={
        "owner": "spark-nlsq",
        "retries": 3,
        "retry_delay": timedelta(minutes=2),
        "retry_exponential_backoff": True,
        "execution_timeout": timedelta(hours=6),
    },
    tags=["spark-nlsq"],
) as dag:
    fit = SparkSubmitOperator(
        task_id="fit",
        application=APP_JAR,
        java_class="org.sparknlsq.cli.Main",
        conn_id="spark_default",
        name="spark-nlsq-{{ ds }}",
        properties_file=PROPERTIES,
        conf={
            "spark.plugins": "org.sparknlsq.spark.MetricsPlugin",
            "spark.driver.extraJavaOptions": "-Dlog4j2.configurationFile=/opt/spark-nlsq/conf/log4j2-json.properties",
        },
        application_args=application_args(),
        verbose=False,
    )
