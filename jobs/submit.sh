#!/usr/bin/env bash
# spark-nlsq through spark-submit, on each cluster manager. The application jar holds no Spark and
# no Hadoop (the cluster's are used); build it with `mvn -B package -DskipTests`.
#
#   jobs/submit.sh local      fit --data ... --output ...     # local[*] on this machine
#   jobs/submit.sh standalone fit ...                         # SPARK_MASTER_URL=spark://host:7077
#   DEPLOY_MODE=cluster jobs/submit.sh standalone fit ...     # the driver on a Worker (see below)
#   jobs/submit.sh yarn       fit ...                         # HADOOP_CONF_DIR set; YARN_QUEUE
#   jobs/submit.sh k8s        fit ...                         # K8S_API, K8S_IMAGE, K8S_NAMESPACE
#
#   jobs/submit.sh --dry-run standalone fit ...               # print the exact command only
#
# Everything after the mode goes to spark-nlsq (fit, generate, checkpoints). Environment:
#   SPARK_SUBMIT      the spark-submit command (default: $SPARK_HOME/bin/spark-submit when
#                     SPARK_HOME is set, else spark-submit on PATH)
#   APP_JAR           the application jar (default: target/spark-nlsq-*-app.jar, else the image's)
#   PROPERTIES        Spark settings file (default: conf/spark-defaults.conf next to this script)
#   EXECUTORS, EXECUTOR_CORES, EXECUTOR_MEMORY, DRIVER_MEMORY   sizes (defaults 2, 1, 1g, 1g:
#                     they fit a small cluster; a larger one wants larger values, see the README)
#   S3_ENDPOINT, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY       s3a:// access, passed as
#                     spark.hadoop.fs.s3a.* (path-style access when an endpoint is given)
#   EXTRA_CONF        more "--conf k=v" words, e.g. for HDFS: "--conf spark.hadoop.dfs.replication=2"
#   DRY_RUN=1         print the spark-submit command instead of running it
#   DEPLOY_MODE       standalone only: client (default; the driver runs here and its exit code is
#                     this script's) or cluster (the driver runs on a Worker). In cluster mode
#                     --data, --output, --report and --checkpoint-dir must be absolute paths on a
#                     shared filesystem or URIs (refused otherwise, exit 2, before submitting);
#                     the fit writes its exit code to --status-file (default: the --output with
#                     .status appended), spark-submit waits for the application, and this script
#                     then exits with the fit's own code (or 1 when no status was written; the
#                     driver's log on the Worker says why).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"

dry_run="${DRY_RUN:-0}"
if [[ "${1:-}" == "--dry-run" ]]; then
    dry_run=1
    shift
fi
mode="${1:-}"
if [[ $# -gt 0 ]]; then shift; fi
if [[ -n "${SPARK_SUBMIT:-}" ]]; then
    submit="$SPARK_SUBMIT"
elif [[ -n "${SPARK_HOME:-}" ]]; then
    submit="$SPARK_HOME/bin/spark-submit"
else
    submit="spark-submit"
fi
# SPARK_SUBMIT may be a command with arguments (java -cp ... SparkSubmit): its first word must run
if [[ "$dry_run" != 1 ]] && ! command -v "${submit%% *}" >/dev/null 2>&1; then
    echo "submit.sh: error: no spark-submit ($submit): set SPARK_HOME to a Spark $(
        sed -n 's:.*<spark.version>\(.*\)</spark.version>.*:\1:p' "$root/pom.xml" 2>/dev/null | head -1
    ) distribution, or SPARK_SUBMIT to the command" >&2
    exit 2
fi
jar="${APP_JAR:-}"
if [[ -z "$jar" ]]; then
    jar="$(ls "$root"/target/spark-nlsq-*-app.jar 2>/dev/null | head -1 || true)"
    [[ -n "$jar" ]] || jar="/opt/spark-nlsq/spark-nlsq-app.jar"
fi
props="${PROPERTIES:-$root/conf/spark-defaults.conf}"

# Cluster deploy mode: every path the driver reads or writes must mean the same on a Worker, and
# the fit's exit code comes back through a status file. Sets $status (and $extra_args).
status=""
extra_args=()
cluster_mode() {
    local previous="" arg value output="" option
    for arg in "$@"; do
        option="" value=""
        case "$arg" in
            --data=* | --output=* | --report=* | --checkpoint-dir=* | --status-file=*)
                option="${arg%%=*}" value="${arg#*=}" ;;
            *) case "$previous" in
                   --data | --output | --report | --checkpoint-dir | --status-file) option="$previous" value="$arg" ;;
               esac ;;
        esac
        if [[ -n "$option" ]]; then
            if [[ "$value" != /* && "$value" != *://* ]]; then
                echo "submit.sh: error: $option '$value' is relative; in cluster mode the driver runs on a Worker:" \
                    "give an absolute path on a shared filesystem or a URI (hdfs://, s3a://)" >&2
                exit 2
            fi
            [[ "$option" == --output ]] && output="$value"
            [[ "$option" == --status-file ]] && status="$value"
        fi
        previous="$arg"
    done
    if [[ -z "$status" ]]; then
        if [[ -z "$output" ]]; then
            echo "submit.sh: error: cluster mode needs --output (the fit's status is written next to it) or --status-file" >&2
            exit 2
        fi
        status="$output.status"
        extra_args=(--status-file "$status")
    fi
}

# The status file's exit code, read from a local path or, through Hadoop's FsShell in the Spark
# distribution, from a URI; empty when there is none.
read_status() {
    local text=""
    if [[ "$status" == /* ]]; then
        text="$(cat "$status" 2>/dev/null || true)"
    elif [[ -n "${SPARK_HOME:-}" ]]; then
        text="$("$SPARK_HOME/bin/spark-class" org.apache.hadoop.fs.FsShell -cat "$status" 2>/dev/null || true)"
    fi
    sed -n 's/.*"exit_code": *\([0-9][0-9]*\).*/\1/p' <<<"$text" | head -1
}

args=(--class org.sparknlsq.cli.Main --properties-file "$props"
      --driver-memory "${DRIVER_MEMORY:-1g}")
case "$mode" in
    local)
        args+=(--master "local[*]")
        ;;
    standalone)
        : "${SPARK_MASTER_URL:?set SPARK_MASTER_URL, e.g. spark://master:7077}"
        deploy="${DEPLOY_MODE:-client}"
        if [[ "$deploy" == cluster ]]; then
            cluster_mode "$@"
            args+=(--conf spark.standalone.submit.waitAppCompletion=true)
        elif [[ "$deploy" != client ]]; then
            echo "submit.sh: error: DEPLOY_MODE must be client or cluster, not '$deploy'" >&2
            exit 2
        fi
        args+=(--master "$SPARK_MASTER_URL" --deploy-mode "$deploy"
               --total-executor-cores "$(( ${EXECUTORS:-2} * ${EXECUTOR_CORES:-1} ))"
               --executor-cores "${EXECUTOR_CORES:-1}" --executor-memory "${EXECUTOR_MEMORY:-1g}")
        ;;
    yarn)
        : "${HADOOP_CONF_DIR:?set HADOOP_CONF_DIR to the Hadoop configuration of the cluster}"
        args+=(--master yarn --deploy-mode cluster --queue "${YARN_QUEUE:-default}"
               --num-executors "${EXECUTORS:-2}" --executor-cores "${EXECUTOR_CORES:-1}"
               --executor-memory "${EXECUTOR_MEMORY:-1g}")
        ;;
    k8s)
        : "${K8S_API:?set K8S_API, e.g. https://kubernetes.default.svc:443}"
        : "${K8S_IMAGE:?set K8S_IMAGE to an image built from docker/Dockerfile}"
        args+=(--master "k8s://$K8S_API" --deploy-mode cluster --name spark-nlsq
               --conf "spark.kubernetes.container.image=$K8S_IMAGE"
               --conf "spark.kubernetes.namespace=${K8S_NAMESPACE:-default}"
               --conf "spark.kubernetes.authenticate.driver.serviceAccountName=${K8S_SERVICE_ACCOUNT:-spark}"
               --conf "spark.executor.instances=${EXECUTORS:-2}"
               --executor-cores "${EXECUTOR_CORES:-1}" --executor-memory "${EXECUTOR_MEMORY:-1g}")
        # in cluster mode the jar is read inside the image
        jar="local:///opt/spark-nlsq/spark-nlsq-app.jar"
        ;;
    *)
        echo "usage: jobs/submit.sh [--dry-run] local|standalone|yarn|k8s fit|generate|checkpoints ARGS..." >&2
        exit 2
        ;;
esac
if [[ -n "${S3_ENDPOINT:-}" ]]; then
    args+=(--conf "spark.hadoop.fs.s3a.endpoint=$S3_ENDPOINT"
           --conf "spark.hadoop.fs.s3a.path.style.access=true")
fi
if [[ -n "${AWS_ACCESS_KEY_ID:-}" ]]; then
    args+=(--conf "spark.hadoop.fs.s3a.access.key=$AWS_ACCESS_KEY_ID"
           --conf "spark.hadoop.fs.s3a.secret.key=${AWS_SECRET_ACCESS_KEY:-}")
fi
if [[ -n "${EXTRA_CONF:-}" ]]; then
    # shellcheck disable=SC2206
    args+=($EXTRA_CONF)
fi
if [[ "$dry_run" == 1 ]]; then
    printf '%q ' "$submit" "${args[@]}" "$jar" "$@" "${extra_args[@]}"
    echo
    exit 0
fi
if [[ -z "$status" ]]; then
    exec $submit "${args[@]}" "$jar" "$@"
fi
# cluster mode: a stale status must not speak for this run
if [[ "$status" == /* ]]; then
    rm -f "$status"
fi
$submit "${args[@]}" "$jar" "$@" "${extra_args[@]}" || true
code="$(read_status)"
if [[ -z "$code" ]]; then
    echo "submit.sh: error: the driver wrote no status to $status; see its log on the Worker" >&2
    exit 1
fi
exit "$code"
