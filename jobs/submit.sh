#!/usr/bin/env bash
# spark-nlsq through spark-submit, on each cluster manager. The application jar holds no Spark and
# no Hadoop (the cluster's are used); build it with `mvn -B package -DskipTests`.
#
#   jobs/submit.sh local      fit --data ... --output ...     # local[*] on this machine
#   jobs/submit.sh standalone fit ...                         # SPARK_MASTER_URL=spark://host:7077
#   jobs/submit.sh yarn       fit ...                         # HADOOP_CONF_DIR set; YARN_QUEUE
#   jobs/submit.sh k8s        fit ...                         # K8S_API, K8S_IMAGE, K8S_NAMESPACE
#
# Everything after the mode goes to spark-nlsq (fit, generate, checkpoints). Environment:
#   SPARK_SUBMIT      the spark-submit command (default: spark-submit on PATH)
#   APP_JAR           the application jar (default: target/spark-nlsq-*-app.jar, else the image's)
#   PROPERTIES        Spark settings file (default: conf/spark-defaults.conf next to this script)
#   EXECUTORS, EXECUTOR_CORES, EXECUTOR_MEMORY, DRIVER_MEMORY   sizes (defaults 2, 2, 4g, 4g)
#   S3_ENDPOINT, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY       s3a:// access, passed as
#                     spark.hadoop.fs.s3a.* (path-style access when an endpoint is given)
#   EXTRA_CONF        more "--conf k=v" words, e.g. for HDFS: "--conf spark.hadoop.dfs.replication=2"
#   DRY_RUN=1         print the spark-submit command instead of running it
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"

mode="${1:-}"
if [[ $# -gt 0 ]]; then shift; fi
submit="${SPARK_SUBMIT:-spark-submit}"
jar="${APP_JAR:-}"
if [[ -z "$jar" ]]; then
    jar="$(ls "$root"/target/spark-nlsq-*-app.jar 2>/dev/null | head -1 || true)"
    [[ -n "$jar" ]] || jar="/opt/spark-nlsq/spark-nlsq-app.jar"
fi
props="${PROPERTIES:-$root/conf/spark-defaults.conf}"

args=(--class org.sparknlsq.cli.Main --properties-file "$props"
      --driver-memory "${DRIVER_MEMORY:-4g}")
case "$mode" in
    local)
        args+=(--master "local[*]")
        ;;
    standalone)
        : "${SPARK_MASTER_URL:?set SPARK_MASTER_URL, e.g. spark://master:7077}"
        args+=(--master "$SPARK_MASTER_URL" --deploy-mode client
               --total-executor-cores "$(( ${EXECUTORS:-2} * ${EXECUTOR_CORES:-2} ))"
               --executor-cores "${EXECUTOR_CORES:-2}" --executor-memory "${EXECUTOR_MEMORY:-4g}")
        ;;
    yarn)
        : "${HADOOP_CONF_DIR:?set HADOOP_CONF_DIR to the Hadoop configuration of the cluster}"
        args+=(--master yarn --deploy-mode cluster --queue "${YARN_QUEUE:-default}"
               --num-executors "${EXECUTORS:-2}" --executor-cores "${EXECUTOR_CORES:-2}"
               --executor-memory "${EXECUTOR_MEMORY:-4g}")
        ;;
    k8s)
        : "${K8S_API:?set K8S_API, e.g. https://kubernetes.default.svc:443}"
        : "${K8S_IMAGE:?set K8S_IMAGE to an image built from docker/Dockerfile}"
        args+=(--master "k8s://$K8S_API" --deploy-mode cluster --name spark-nlsq
               --conf "spark.kubernetes.container.image=$K8S_IMAGE"
               --conf "spark.kubernetes.namespace=${K8S_NAMESPACE:-default}"
               --conf "spark.kubernetes.authenticate.driver.serviceAccountName=${K8S_SERVICE_ACCOUNT:-spark}"
               --conf "spark.executor.instances=${EXECUTORS:-2}"
               --executor-cores "${EXECUTOR_CORES:-2}" --executor-memory "${EXECUTOR_MEMORY:-4g}")
        # in cluster mode the jar is read inside the image
        jar="local:///opt/spark-nlsq/spark-nlsq-app.jar"
        ;;
    *)
        echo "usage: jobs/submit.sh local|standalone|yarn|k8s fit|generate|checkpoints ARGS..." >&2
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
if [[ "${DRY_RUN:-0}" == 1 ]]; then
    printf '%q ' "$submit" "${args[@]}" "$jar" "$@"
    echo
    exit 0
fi
exec $submit "${args[@]}" "$jar" "$@"
