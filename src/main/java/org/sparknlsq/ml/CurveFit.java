package org.sparknlsq.ml;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.sparknlsq.fit.CheckpointSettings;
import org.sparknlsq.fit.CurveFitting;
import org.sparknlsq.fit.FitInput;
import org.sparknlsq.fit.FitOutcome;
import org.sparknlsq.fit.FitRequest;
import org.sparknlsq.optim.FitOptions;
import org.sparknlsq.robust.FaultTolerance;

/**
 * Nonlinear least-squares curve fitting as a Spark ML {@link Estimator}: fits {@code y = f(x; p)}
 * to the columns of a DataFrame with the engine of {@link CurveFitting} (the command line's
 * engine: the same strategies, fault tolerance, checkpoints and results to the bit).
 *
 * <pre>{@code
 * CurveFitModel m = new CurveFit()
 *     .setModel("a*exp(-b*x) + c")
 *     .setInitialValues(Map.of("a", 1.0, "b", 1.0, "c", 0.0))
 *     .setXCols(new String[] {"x"}).setYCol("y").setSigmaCol("sigma")
 *     .fit(df);
 * }</pre>
 *
 * <p>Every Param has the command line's default. Parameter order: a built-in model's own; for an
 * expression, the order in which the parameters first appear in it (so a {@code Map.of} of start
 * values needs no order). {@link #fit} checks the columns and every setting before any Spark job
 * runs; an unusable setting is an {@link org.sparknlsq.fit.InvalidSettingsException} whose
 * problems name the Param.
 */
public final class CurveFit extends Estimator<CurveFitModel> implements DefaultParamsWritable {
    private final String uid;

    final Param<String> model;
    final DoubleMapParam initialValues;
    final StringArrayParam xCols;
    final Param<String> yCol;
    final Param<String> sigmaCol;
    final Param<String> predictionCol;
    final Param<String> predictionStdCol;
    final DoubleMapParam lowerBounds;
    final DoubleMapParam upperBounds;
    final StringArrayParam fixedParameters;
    final Param<String> method;
    final Param<String> loss;
    final DoubleParam fScale;
    final BooleanParam absoluteSigma;
    final DoubleParam ftol;
    final DoubleParam xtol;
    final DoubleParam gtol;
    final IntParam maxIterations;
    final IntParam maxEvaluations;
    final Param<String> xScale;
    final Param<String> badRecords;
    final Param<String> strategy;
    final IntParam partitions;
    final LongParam batchPoints;
    final IntParam maxEpochs;
    final DoubleParam forgettingFactor;
    final BooleanParam validate;
    final BooleanParam enableFaultTolerance;
    final BooleanParam validateNumerics;
    final DoubleParam minSuccessRate;
    final IntParam maxRetriesPerBatch;
    final IntParam batchStatsBufferSize;
    final LongParam recoverySeed;
    final Param<String> checkpointDir;
    final IntParam checkpointEvery;
    final IntParam keepCheckpoints;
    final Param<String> resume;
    final BooleanParam resumeForce;

    public CurveFit() {
        this(Identifiable$.MODULE$.randomUID("curveFit"));
    }

    public CurveFit(String uid) {
        this.uid = uid;
        model = new Param<>(this, "model", "the model: an expression such as a*exp(-b*x)+c, or builtin:NAME");
        initialValues = new DoubleMapParam(this, "initialValues", "start value of every parameter, by name");
        xCols = new StringArrayParam(this, "xCols", "independent-variable columns; an expression uses these names");
        yCol = new Param<>(this, "yCol", "observation column");
        sigmaCol = new Param<>(this, "sigmaCol", "standard-deviation column (weights 1/sigma^2); empty for none");
        predictionCol = new Param<>(this, "predictionCol", "prediction column of the model");
        predictionStdCol = new Param<>(
                this, "predictionStdCol", "column of the prediction's standard error (delta method); empty for none");
        lowerBounds = new DoubleMapParam(this, "lowerBounds", "lower bounds by parameter name (-inf: none)");
        upperBounds = new DoubleMapParam(this, "upperBounds", "upper bounds by parameter name (inf: none)");
        fixedParameters = new StringArrayParam(this, "fixedParameters", "parameters held at their start values");
        method = new Param<>(this, "method", "trf (bounds) or lm");
        loss = new Param<>(this, "loss", "linear, soft_l1, huber, cauchy or arctan");
        fScale = new DoubleParam(this, "fScale", "residual scale of a robust loss");
        absoluteSigma = new BooleanParam(
                this, "absoluteSigma", "sigma is absolute: the covariance is not scaled by the reduced chi-squared");
        ftol = new DoubleParam(this, "ftol", "relative cost tolerance");
        xtol = new DoubleParam(this, "xtol", "relative step tolerance");
        gtol = new DoubleParam(this, "gtol", "gradient tolerance");
        maxIterations = new IntParam(this, "maxIterations", "most accepted steps");
        maxEvaluations = new IntParam(this, "maxEvaluations", "most evaluations of the data (0: 200*(p+1))");
        xScale = new Param<>(this, "xScale", "jac, or one positive scale per parameter, comma-separated");
        badRecords = new Param<>(
                this, "badRecords", "failfast or drop: rows with a missing, non-finite or non-positive-sigma value");
        strategy = new Param<>(this, "strategy", "auto, standard, large, chunked or streaming");
        partitions = new IntParam(
                this, "partitions", "cut the data into this many equal partitions keeping row order (0: as read)");
        batchPoints = new LongParam(this, "batchPoints", "STREAMING: points per batch (0: automatic)");
        maxEpochs = new IntParam(this, "maxEpochs", "STREAMING: most epochs before the exact polish");
        forgettingFactor = new DoubleParam(
                this, "forgettingFactor", "STREAMING: weight in (0, 1] of earlier batches within an epoch");
        validate =
                new BooleanParam(this, "validate", "also fit the same points with STANDARD on the driver and compare");
        enableFaultTolerance = new BooleanParam(this, "enableFaultTolerance", "retry and exclude failing partitions");
        validateNumerics =
                new BooleanParam(this, "validateNumerics", "check gradient, parameters and cost for non-finite values");
        minSuccessRate = new DoubleParam(this, "minSuccessRate", "share of batches that must succeed for a success");
        maxRetriesPerBatch =
                new IntParam(this, "maxRetriesPerBatch", "recovery attempts before a partition is excluded");
        batchStatsBufferSize =
                new IntParam(this, "batchStatsBufferSize", "recent batch records kept in the diagnostics");
        recoverySeed = new LongParam(this, "recoverySeed", "seed of the perturb_parameters recovery");
        checkpointDir = new Param<>(
                this, "checkpointDir", "checkpoint directory (local, file://, hdfs://, s3a://); empty for none");
        checkpointEvery = new IntParam(this, "checkpointEvery", "a checkpoint every N iterations");
        keepCheckpoints = new IntParam(this, "keepCheckpoints", "checkpoints kept");
        resume = new Param<>(this, "resume", "empty (start afresh), auto, or a checkpoint path");
        resumeForce = new BooleanParam(this, "resumeForce", "resume even from a checkpoint of other settings or data");
        FitOptions o = FitOptions.defaults();
        FaultTolerance ft = FaultTolerance.defaults();
        setDefault(sigmaCol, "");
        setDefault(predictionCol, "prediction");
        setDefault(predictionStdCol, "");
        setDefault(lowerBounds, Map.of());
        setDefault(upperBounds, Map.of());
        setDefault(fixedParameters, new String[0]);
        setDefault(method, "trf");
        setDefault(loss, "linear");
        setDefault(fScale, 1.0);
        setDefault(absoluteSigma, false);
        setDefault(ftol, o.ftol());
        setDefault(xtol, o.xtol());
        setDefault(gtol, o.gtol());
        setDefault(maxIterations, o.maxIterations());
        setDefault(maxEvaluations, o.maxEvaluations());
        setDefault(xScale, "jac");
        setDefault(badRecords, "failfast");
        setDefault(strategy, "auto");
        setDefault(partitions, 0);
        setDefault(batchPoints, 0L);
        setDefault(maxEpochs, 10);
        setDefault(forgettingFactor, 1.0);
        setDefault(validate, false);
        setDefault(enableFaultTolerance, ft.enabled());
        setDefault(validateNumerics, ft.validateNumerics());
        setDefault(minSuccessRate, ft.minSuccessRate());
        setDefault(maxRetriesPerBatch, ft.maxRetriesPerBatch());
        setDefault(batchStatsBufferSize, ft.batchStatsBufferSize());
        setDefault(recoverySeed, ft.seed());
        setDefault(checkpointDir, "");
        setDefault(checkpointEvery, CheckpointSettings.DEFAULT_EVERY);
        setDefault(keepCheckpoints, CheckpointSettings.DEFAULT_KEEP);
        setDefault(resume, "");
        setDefault(resumeForce, false);
    }

    @Override
    public String uid() {
        return uid;
    }

    /** The Params, in a fixed order (Spark finds them here, not by reflection on accessors). */
    @Override
    public Param<?>[] params() {
        return new Param<?>[] {
            model,
            initialValues,
            xCols,
            yCol,
            sigmaCol,
            predictionCol,
            predictionStdCol,
            lowerBounds,
            upperBounds,
            fixedParameters,
            method,
            loss,
            fScale,
            absoluteSigma,
            ftol,
            xtol,
            gtol,
            maxIterations,
            maxEvaluations,
            xScale,
            badRecords,
            strategy,
            partitions,
            batchPoints,
            maxEpochs,
            forgettingFactor,
            validate,
            enableFaultTolerance,
            validateNumerics,
            minSuccessRate,
            maxRetriesPerBatch,
            batchStatsBufferSize,
            recoverySeed,
            checkpointDir,
            checkpointEvery,
            keepCheckpoints,
            resume,
            resumeForce
        };
    }

    // ---- setters (each returns this, as in Spark ML) ----

    public CurveFit setModel(String v) {
        return with(model, v);
    }

    /** Start values by name; any map (order does not matter, see the class comment). */
    public CurveFit setInitialValues(Map<String, Double> v) {
        return with(initialValues, Map.copyOf(v));
    }

    public CurveFit setXCols(String[] v) {
        return with(xCols, v.clone());
    }

    public CurveFit setYCol(String v) {
        return with(yCol, v);
    }

    public CurveFit setSigmaCol(String v) {
        return with(sigmaCol, v);
    }

    public CurveFit setPredictionCol(String v) {
        return with(predictionCol, v);
    }

    public CurveFit setPredictionStdCol(String v) {
        return with(predictionStdCol, v);
    }

    /** Bounds of one parameter (±inf for a free side); adds to the bounds already set. */
    public CurveFit setBounds(String parameter, double lo, double hi) {
        Map<String, Double> l = new LinkedHashMap<>(getLowerBounds());
        Map<String, Double> h = new LinkedHashMap<>(getUpperBounds());
        l.put(parameter, lo);
        h.put(parameter, hi);
        with(lowerBounds, l);
        return with(upperBounds, h);
    }

    public CurveFit setLowerBounds(Map<String, Double> v) {
        return with(lowerBounds, new LinkedHashMap<>(v));
    }

    public CurveFit setUpperBounds(Map<String, Double> v) {
        return with(upperBounds, new LinkedHashMap<>(v));
    }

    /** Holds these parameters at their start values (lmfit's {@code vary=False}). */
    public CurveFit setFixedParameters(String... names) {
        return with(fixedParameters, names.clone());
    }

    public CurveFit setMethod(String v) {
        return with(method, v);
    }

    public CurveFit setLoss(String v) {
        return with(loss, v);
    }

    public CurveFit setFScale(double v) {
        return with(fScale, v);
    }

    public CurveFit setAbsoluteSigma(boolean v) {
        return with(absoluteSigma, v);
    }

    public CurveFit setFtol(double v) {
        return with(ftol, v);
    }

    public CurveFit setXtol(double v) {
        return with(xtol, v);
    }

    public CurveFit setGtol(double v) {
        return with(gtol, v);
    }

    public CurveFit setMaxIterations(int v) {
        return with(maxIterations, v);
    }

    public CurveFit setMaxEvaluations(int v) {
        return with(maxEvaluations, v);
    }

    public CurveFit setXScale(String v) {
        return with(xScale, v);
    }

    public CurveFit setBadRecords(String v) {
        return with(badRecords, v);
    }

    public CurveFit setStrategy(String v) {
        return with(strategy, v);
    }

    public CurveFit setPartitions(int v) {
        return with(partitions, v);
    }

    public CurveFit setBatchPoints(long v) {
        return with(batchPoints, v);
    }

    public CurveFit setMaxEpochs(int v) {
        return with(maxEpochs, v);
    }

    public CurveFit setForgettingFactor(double v) {
        return with(forgettingFactor, v);
    }

    public CurveFit setValidate(boolean v) {
        return with(validate, v);
    }

    public CurveFit setEnableFaultTolerance(boolean v) {
        return with(enableFaultTolerance, v);
    }

    public CurveFit setValidateNumerics(boolean v) {
        return with(validateNumerics, v);
    }

    public CurveFit setMinSuccessRate(double v) {
        return with(minSuccessRate, v);
    }

    public CurveFit setMaxRetriesPerBatch(int v) {
        return with(maxRetriesPerBatch, v);
    }

    public CurveFit setBatchStatsBufferSize(int v) {
        return with(batchStatsBufferSize, v);
    }

    public CurveFit setRecoverySeed(long v) {
        return with(recoverySeed, v);
    }

    public CurveFit setCheckpointDir(String v) {
        return with(checkpointDir, v);
    }

    public CurveFit setCheckpointEvery(int v) {
        return with(checkpointEvery, v);
    }

    public CurveFit setKeepCheckpoints(int v) {
        return with(keepCheckpoints, v);
    }

    /** {@code auto}, a checkpoint path, or empty for a fresh start. */
    public CurveFit setResume(String v) {
        return with(resume, v);
    }

    public CurveFit setResumeForce(boolean v) {
        return with(resumeForce, v);
    }

    // ---- getters of the values a caller most often reads back ----

    public String getModel() {
        return getOrDefault(model);
    }

    public Map<String, Double> getInitialValues() {
        return getOrDefault(initialValues);
    }

    public String[] getXCols() {
        return getOrDefault(xCols);
    }

    public String getYCol() {
        return getOrDefault(yCol);
    }

    public String getSigmaCol() {
        return getOrDefault(sigmaCol);
    }

    public Map<String, Double> getLowerBounds() {
        return getOrDefault(lowerBounds);
    }

    public Map<String, Double> getUpperBounds() {
        return getOrDefault(upperBounds);
    }

    public String[] getFixedParameters() {
        return getOrDefault(fixedParameters);
    }

    @Override
    public StructType transformSchema(StructType schema) {
        List<String> x = isDefined(xCols) ? Arrays.asList(getXCols()) : List.of();
        String y = isDefined(yCol) ? getYCol() : null;
        String sigma = getSigmaCol().isEmpty() ? null : getSigmaCol();
        Schemas.requireInputs(schema, x, y, sigma);
        return Schemas.withPredictions(schema, getOrDefault(predictionCol), getOrDefault(predictionStdCol));
    }

    /**
     * Fits the model to {@code dataset}. The columns are checked against the schema before any
     * Spark job runs; every setting is checked (and the model compiled) before the data are read.
     */
    @Override
    public CurveFitModel fit(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        FitRequest request = request();
        Dataset<Row> df = dataset.toDF();
        FitOutcome outcome = CurveFitting.fit(FitInput.of(df), request);
        CurveFitModel m = new CurveFitModel(uid, outcome, df);
        copyValues(m, ParamMap.empty());
        m.setParent(this);
        return m;
    }

    /** The Params as the library's request. */
    FitRequest request() {
        String expr = isDefined(model) ? getModel() : null;
        FitRequest.Builder b = FitRequest.builder()
                .model(expr)
                .xColumns(isDefined(xCols) ? Arrays.asList(getXCols()) : List.of())
                .yColumn(isDefined(yCol) ? getYCol() : null)
                .sigmaColumn(getSigmaCol().isEmpty() ? null : getSigmaCol())
                .lowerBounds(getLowerBounds())
                .upperBounds(getUpperBounds())
                .fixedParameters(Arrays.asList(getFixedParameters()))
                .method(getOrDefault(method))
                .loss(getOrDefault(loss))
                .fScale((Double) getOrDefault(fScale))
                .absoluteSigma((Boolean) getOrDefault(absoluteSigma))
                .tolerances((Double) getOrDefault(ftol), (Double) getOrDefault(xtol), (Double) getOrDefault(gtol))
                .maxIterations((Integer) getOrDefault(maxIterations))
                .maxEvaluations((Integer) getOrDefault(maxEvaluations))
                .xScale(getOrDefault(xScale))
                .badRecords(getOrDefault(badRecords))
                .strategy(getOrDefault(strategy))
                .partitions((Integer) getOrDefault(partitions))
                .batchPoints((Long) getOrDefault(batchPoints))
                .maxEpochs((Integer) getOrDefault(maxEpochs))
                .forgettingFactor((Double) getOrDefault(forgettingFactor))
                .validate((Boolean) getOrDefault(validate))
                .faultTolerance(new FaultTolerance(
                        (Boolean) getOrDefault(enableFaultTolerance),
                        (Boolean) getOrDefault(enableFaultTolerance) && (Boolean) getOrDefault(validateNumerics),
                        (Double) getOrDefault(minSuccessRate),
                        (Integer) getOrDefault(maxRetriesPerBatch),
                        (Integer) getOrDefault(batchStatsBufferSize),
                        (Long) getOrDefault(recoverySeed)))
                .checkpoints(new CheckpointSettings(
                        getOrDefault(checkpointDir).isEmpty() ? null : getOrDefault(checkpointDir),
                        (Integer) getOrDefault(checkpointEvery),
                        (Integer) getOrDefault(keepCheckpoints),
                        getOrDefault(resume).isEmpty() ? null : getOrDefault(resume),
                        (Boolean) getOrDefault(resumeForce)));
        Map<String, Double> starts = isDefined(initialValues) ? getInitialValues() : Map.of();
        for (String name : FitRequest.parameterOrder(expr, starts.keySet())) {
            b.initialValue(name, starts.get(name));
        }
        return b.build();
    }

    @Override
    public CurveFit copy(ParamMap extra) {
        return (CurveFit) defaultCopy(extra);
    }

    private <T> CurveFit with(Param<T> p, T value) {
        set(p, value);
        return this;
    }

    public static MLReader<CurveFit> read() {
        return new org.apache.spark.ml.util.DefaultParamsReader<>();
    }

    public static CurveFit load(String path) {
        return read().load(path);
    }
}
