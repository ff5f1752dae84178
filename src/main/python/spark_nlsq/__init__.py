"""spark-nlsq for PySpark users: a thin facade over the Java API.

    from spark_nlsq import fit
    result = fit(spark, data="s3a://bucket/scan.parquet", x="t", y="g2", sigma="sigma",
                 model="a*exp(-b*t)+c", params={"a": 1, "b": 1, "c": 0})
    result["parameters"], result["uncertainties"], result["success"]

The application jar must be on the driver's classpath (spark-submit --jars, or
spark.jars / spark.driver.extraClassPath). Options are the settings of the library's entry point
(org.sparknlsq.fit.FitSettings, the Params of the Estimator CurveFit, the options of
`spark-nlsq fit`), given as keyword arguments in snake_case: f_scale=0.1, bad_records="drop",
enable_fault_tolerance=False, checkpoint_dir="hdfs:///ckpt", fix=["c"], ... Lists and dicts keep
their shapes: x=["x1", "x2"], params={"a": 1}, bounds={"a": [0, "inf"]}. They go to the JVM as
one JSON object, mapped straight onto the library (no command line in between). The fit runs on
the session's SparkContext (Spark picks up the active session) and returns the result document
as a dict: the same fields as the JSON of --output, diagnostics included.
"""

import json

__all__ = ["fit", "FitError", "mapping"]


class FitError(RuntimeError):
    """The fit could not run; the message is the command line's one-line error."""


def _jvm(spark):
    # PySpark: the py4j view of the driver JVM; tests may hand in any object with the same shape
    return getattr(spark, "_jvm", spark)


def mapping(**options):
    """The options as the JSON object the Java side reads (None values left out)."""
    return {k: v for k, v in options.items() if v is not None}


def fit(spark, **options):
    """Fits and returns the result as a dict; raises FitError when the fit cannot run.

    A fit that ran but did not succeed (not converged, too few batches) returns normally with
    result["success"] False and result["message"] saying why.
    """
    bridge = _jvm(spark).org.sparknlsq.cli.PythonBridge
    try:
        text = bridge.fit(json.dumps(mapping(**options)))
    except Exception as e:  # py4j's Py4JJavaError, jpype's Java exceptions
        raise FitError(_message(e)) from e
    return json.loads(str(text))


def _message(e):
    java = getattr(e, "java_exception", None)  # py4j
    if java is not None:
        return str(java.getMessage())
    get = getattr(e, "getMessage", None)  # jpype
    return str(get()) if callable(get) else str(e)
