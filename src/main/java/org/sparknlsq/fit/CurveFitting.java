package org.sparknlsq.fit;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.sparknlsq.checkpoint.CheckpointManager;
import org.sparknlsq.checkpoint.FitCheckpoints;
import org.sparknlsq.io.CsvData;
import org.sparknlsq.io.CsvReader;
import org.sparknlsq.io.CsvRequest;
import org.sparknlsq.io.DataException;
import org.sparknlsq.io.DataFormat;
import org.sparknlsq.io.FitResultJson;
import org.sparknlsq.io.Location;
import org.sparknlsq.kernel.BlockKernel;
import org.sparknlsq.kernel.DataBlock;
import org.sparknlsq.kernel.LocalSource;
import org.sparknlsq.optim.CurveFitter;
import org.sparknlsq.optim.FitMonitor;
import org.sparknlsq.optim.FitResult;
import org.sparknlsq.optim.Snapshot;
import org.sparknlsq.problem.FitProblem;
import org.sparknlsq.report.FitReport;
import org.sparknlsq.robust.NumericalException;
import org.sparknlsq.spark.FitHandle;
import org.sparknlsq.spark.SparkFitResult;
import org.sparknlsq.spark.SparkFitter;
import org.sparknlsq.spark.SparkInput;
import org.sparknlsq.spark.SparkSessions;
import org.sparknlsq.strategy.Strategy;
import org.sparknlsq.strategy.StrategyPlanner;

/**
 * The library's one entry point for a whole fit: {@code CurveFitting.fit(input, request)}. Every
 * client (the {@link org.sparknlsq.ml.CurveFit} Estimator, the command line, the Python package,
 * the notebooks) comes through here, so they share the routing, the strategy choice, the fault
 * tolerance, the validation and the checkpoints' identity.
 *
 * <p>Routing: a local CSV file whose data fit in this JVM's heap by {@link
 * StrategyPlanner#fitsDriver} (estimated from its size and first lines before it is read), or any
 * local CSV file with strategy {@code standard}, with no master, no partitions and no validation
 * asked for, is read on this JVM's cores and fitted here without starting Spark, whatever its point
 * count: Spark on the same machine would use the same cores and add a job per pass. So are
 * in-memory arrays given without a session.
 * Everything else runs on Spark, where the strategy is chosen by size and memory unless the
 * request names one.
 *
 * <p>Checkpoints: with a checkpoint directory or a resume, each checkpoint records a hash of the
 * settings that decide the steps and a fingerprint of the data: the paths, sizes and modification
 * times of a file input, or a hash of the loaded values for a Dataset or arrays (one extra pass
 * over the cached data). A resume from a checkpoint of other settings or other data is refused
 * with a {@link org.sparknlsq.robust.CheckpointException} unless forced. On SIGTERM the newest
 * snapshot is saved before the JVM exits.
 *
 * <p>Failures: unusable settings throw {@link InvalidSettingsException}; unreadable or bad data a
 * {@link DataException}; a model that is not finite at the start a {@link NumericalException}. A
 * fit that ran but did not converge, or lost too many partitions, returns normally with {@code
 * success() == false}.
 */
public final class CurveFitting {
    private CurveFitting() {}

    /** Fits and waits. */
    public static FitOutcome fit(FitInput input, FitRequest request) {
        return submit(input, request).outcome();
    }

    /**
     * Starts a fit; {@link FitJob#cancel()} stops it with the best parameters so far. A fit
     * without Spark runs on the caller's thread and is done when this returns.
     */
    public static FitJob submit(FitInput input, FitRequest request) {
        long t0 = System.nanoTime();
        if (input instanceof FitInput.DatasetInput d) {
            return onSpark(
                    d.data().sparkSession(),
                    request,
                    "DataFrame",
                    "dataset",
                    choice -> SparkInput.fromDataset(d.data(), spec(request, "DataFrame", DataFormat.PARQUET), choice),
                    t0);
        }
        if (input instanceof FitInput.FileInput f) {
            return file(f, request, t0);
        }
        return arrays((FitInput.ArrayInput) input, request, t0);
    }

    private static FitJob file(FitInput.FileInput f, FitRequest request, long t0) {
        if (f.path() == null || f.path().isBlank()) {
            throw new InvalidSettingsException("data", "expected a path or URI, got an empty value");
        }
        DataFormat format;
        try {
            format = f.format() != null ? DataFormat.parse(f.format()) : DataFormat.infer(f.path());
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingsException(f.format() != null ? "format" : "data", e.getMessage());
        }
        Location source = Location.of(f.path());
        if (source.local() && !Files.exists(source.localPath())) {
            // said at once, before a SparkSession is started for nothing
            throw new DataException(DataException.Reason.UNREADABLE, f.path(), 0, null, "no such file");
        }
        SparkInput.Spec spec = spec(request, f.path(), format);
        boolean localFile = request.master() == null
                && !request.validate()
                && request.partitions() == 0
                && format == DataFormat.CSV
                && source.local()
                && Files.isRegularFile(source.localPath());
        boolean onDriver = localFile
                && (request.strategy() == null
                        ? StrategyPlanner.fitsDriver(
                                CsvReader.estimateRecords(source.localPath()),
                                spec.x().size(),
                                spec.sigma() != null,
                                Runtime.getRuntime().maxMemory())
                        : request.strategy() == Strategy.STANDARD);
        Supplier<SparkSession> spark = f.spark() != null
                ? f.spark()
                : () -> SparkSessions.getOrCreate(request.master(), SparkSessions.ExecutorWait.WATCH);
        if (onDriver) {
            long t1 = System.nanoTime();
            CsvData csv = readCsv(source, spec);
            double readSeconds = (System.nanoTime() - t1) / 1e9;
            requireEnoughPoints(csv.file(), csv.points(), request);
            Supplier<String> fingerprint = () -> CheckpointIdentity.fileFingerprint(f.path(), new Configuration());
            return FitJob.done(local(request, csv.blocks(), csv, fingerprint, f.path(), readSeconds, t0));
        }
        SparkSession s = spark.get();
        return onSpark(
                s,
                request,
                f.path(),
                format.name().toLowerCase(Locale.ROOT),
                choice -> SparkInput.read(s, spec, choice),
                t0);
    }

    private static FitJob arrays(FitInput.ArrayInput a, FitRequest request, long t0) {
        DataBlock data = a.data();
        requireEnoughPoints("in-memory arrays", data.size(), request);
        if (a.spark() == null) {
            if (request.strategy() != null && request.strategy() != Strategy.STANDARD) {
                throw new InvalidSettingsException(
                        "strategy", request.strategy() + " needs a SparkSession; give one with the arrays or use auto");
            }
            List<DataBlock> blocks = new ArrayList<>();
            for (int from = 0; from < data.size(); from += LocalSource.DEFAULT_CHUNK_SIZE) {
                int to = Math.min(data.size(), from + LocalSource.DEFAULT_CHUNK_SIZE);
                blocks.add(data.slice(from, to, data.firstIndex() + from));
            }
            return FitJob.done(local(
                    request,
                    blocks,
                    null,
                    () -> CheckpointIdentity.contentFingerprint(blocks),
                    "in-memory arrays",
                    0,
                    t0));
        }
        SparkSession s = a.spark();
        int parts = request.partitions() > 0
                ? request.partitions()
                : s.sparkContext().defaultParallelism();
        return onSpark(
                s,
                request,
                "in-memory arrays",
                "arrays",
                choice -> SparkInput.fromArrays(s, data, parts, choice.levelFor(data.size())),
                t0);
    }

    /** A fit on this JVM's cores with no SparkSession at all. */
    private static FitOutcome local(
            FitRequest request,
            List<DataBlock> blocks,
            CsvData csv,
            Supplier<String> fingerprint,
            String source,
            double readSeconds,
            long t0) {
        long t1 = System.nanoTime();
        FitCheckpoints checkpoints = checkpoints(request, "csv", 0, fingerprint, null);
        FitProblem problem = request.solverProblem();
        BlockKernel kernel = new BlockKernel(problem.model(), problem.loss(), problem.fScale());
        LocalSource data = new LocalSource(kernel, blocks, LocalSource.DEFAULT_CHUNK_SIZE, null);
        Thread onTerm = saveOnTerm(checkpoints);
        FitResult result;
        try {
            result = CurveFitter.fit(
                    problem,
                    data,
                    request.solverOptions(),
                    FitMonitor.NONE,
                    Strategy.STANDARD.name(),
                    checkpoints != null ? checkpoints : Snapshot.Sink.NONE);
        } catch (NumericalException e) {
            throw csv == null ? e : atLine(e, csv, request);
        } finally {
            removeHook(onTerm);
        }
        long points = blocks.stream().mapToLong(DataBlock::size).sum();
        FitDiagnostics d = new FitDiagnostics(
                request.strategy() != null
                        ? "requested"
                        : StrategyPlanner.onDriverReason(
                                points,
                                blocks.get(0).variables(),
                                blocks.get(0).sigma() != null,
                                Runtime.getRuntime().maxMemory(),
                                csv != null),
                null,
                1,
                0,
                0,
                readSeconds,
                (System.nanoTime() - t1) / 1e9,
                csv == null ? 0 : csv.droppedRecords(),
                csv == null ? null : csv.firstDropped(),
                Map.of(),
                checkpoints == null ? null : checkpoints.info(),
                null);
        return outcome(
                request, result, Strategy.STANDARD, d, source, t0, TotalSumOfSquares.of(blocks), () -> sample(blocks));
    }

    /** A fit through {@link SparkFitter}. */
    private static FitJob onSpark(
            SparkSession spark,
            FitRequest request,
            String source,
            String format,
            Function<SparkInput.LevelChoice, SparkInput.Loaded> loader,
            long t0) {
        int cut = request.partitions();
        SparkInput.Loaded[] loaded = new SparkInput.Loaded[1];
        TotalSumOfSquares[] tss = {TotalSumOfSquares.EMPTY};
        Supplier<String> fingerprint = isFile(format)
                ? () -> CheckpointIdentity.fileFingerprint(
                        source, spark.sparkContext().hadoopConfiguration())
                : () -> CheckpointIdentity.contentFingerprint(loaded[0].blocks());
        FitCheckpoints checkpoints = checkpoints(
                request, format, cut, fingerprint, spark.sparkContext().hadoopConfiguration());
        SparkFitter.Options so = SparkFitter.Options.defaults()
                .withStreaming(request.streaming())
                .withStrategy(request.strategy())
                .withBatchPoints(request.batchPoints())
                .withValidation(request.validate())
                .withProgress(request.progress())
                .withCheckpoints(checkpoints != null ? checkpoints : Snapshot.Sink.NONE);
        FitHandle handle = SparkFitter.submit(
                spark,
                request.solverProblem(),
                choice -> {
                    loaded[0] = loader.apply(choice);
                    if (loaded[0].points() < request.solverProblem().parameterCount()) {
                        loaded[0].close();
                        requireEnoughPoints(source, loaded[0].points(), request);
                    }
                    tss[0] = TotalSumOfSquares.of(loaded[0].blocks());
                    return loaded[0];
                },
                request.solverOptions(),
                so);
        Thread onTerm = saveOnTerm(checkpoints);
        return new FitJob(handle, () -> {
            SparkFitResult r;
            try {
                r = handle.result();
            } catch (SparkInput.TooManyPartitionsException e) {
                throw new InvalidSettingsException("partitions", e.getMessage());
            } catch (RuntimeException e) {
                // a cluster that granted no executor while the fit planned its read
                throw SparkSessions.explain(spark, e);
            } finally {
                removeHook(onTerm);
            }
            FitDiagnostics d = new FitDiagnostics(
                    r.strategyReason(),
                    spark.sparkContext().master(),
                    r.partitions(),
                    r.sparkJobs(),
                    r.epochs(),
                    r.loadSeconds(),
                    r.fit().fitSeconds(),
                    r.droppedRecords(),
                    null,
                    r.fit().faults() == null ? r.infrastructure() : Map.of(),
                    checkpoints == null ? null : checkpoints.info(),
                    validation(request, r.validation()));
            return outcome(request, r.fit(), r.strategy(), d, source, t0, tss[0], () -> sparkSample(loader));
        });
    }

    private static FitOutcome outcome(
            FitRequest request,
            FitResult solved,
            Strategy strategy,
            FitDiagnostics d,
            String source,
            long t0,
            TotalSumOfSquares tss,
            Supplier<DataBlock> sample) {
        FitResult result = request.fixing().any() ? request.fixing().expand(solved) : solved;
        FitResultJson.Provenance provenance = new FitResultJson.Provenance(
                Version.current(),
                request.modelText(),
                source,
                request.xColumns(),
                request.yColumn(),
                request.sigmaColumn(),
                request.badRecords(),
                d.droppedRecords(),
                d.readSeconds(),
                d.fitSeconds(),
                (System.nanoTime() - t0) / 1e9);
        return new FitOutcome(result, request, strategy, d, provenance, tss.rSquared(result.chiSquared()), sample);
    }

    private static FitDiagnostics.Validation validation(FitRequest request, SparkFitResult.Validation v) {
        if (v == null) {
            return null;
        }
        FitResult standard = request.fixing().any() ? request.fixing().expand(v.standard()) : v.standard();
        return new FitDiagnostics.Validation(
                v.maxRelativeDifference(), standard.parameterNames(), standard.parameters());
    }

    private static boolean isFile(String format) {
        return !format.equals("dataset") && !format.equals("arrays");
    }

    private static SparkInput.Spec spec(FitRequest r, String path, DataFormat format) {
        return new SparkInput.Spec(
                path, format, r.xColumns(), r.yColumn(), r.sigmaColumn(), r.badRecords(), r.partitions());
    }

    /** The checkpoints of this fit, or null when it neither writes nor resumes any. */
    private static FitCheckpoints checkpoints(
            FitRequest request, String format, int partitionsUsed, Supplier<String> fingerprint, Configuration conf) {
        CheckpointSettings c = request.checkpoints();
        if (!c.active()) {
            return null;
        }
        // resuming from a file without writing new checkpoints: the file's own directory
        String where = c.dir() != null ? c.dir() : parent(c.resume());
        Configuration hadoop = conf != null ? conf : Location.of(where).local() ? null : new Configuration();
        CheckpointManager manager;
        try {
            manager = new CheckpointManager(
                    where, hadoop, CheckpointManager.Options.defaults().withKeepLastN(c.keep()));
        } catch (java.io.IOException e) {
            throw new InvalidSettingsException("checkpointDir", "cannot use " + where + ": " + e.getMessage());
        }
        FitProblem solver = request.solverProblem();
        FitCheckpoints.ResumeMode mode = c.resume() == null
                ? FitCheckpoints.ResumeMode.NONE
                : c.resume().equals("auto") ? FitCheckpoints.ResumeMode.AUTO : FitCheckpoints.ResumeMode.PATH;
        return new FitCheckpoints(
                        manager,
                        c.every(),
                        solver.model().parameterNames(),
                        CheckpointIdentity.configHash(
                                solver,
                                request.solverOptions(),
                                CheckpointIdentity.settings(request, format, partitionsUsed)),
                        fingerprint,
                        Version.current(),
                        mode,
                        c.resume(),
                        c.force())
                .withBounds(solver.lower(), solver.upper());
    }

    private static String parent(String file) {
        int slash = file.lastIndexOf('/');
        return slash <= 0 ? "." : file.substring(0, slash);
    }

    /** On SIGTERM (a JVM shutdown), the newest snapshot is saved before the JVM goes. */
    private static Thread saveOnTerm(FitCheckpoints checkpoints) {
        if (checkpoints == null) {
            return null;
        }
        Thread t = new Thread(checkpoints::saveLatest, "spark-nlsq-checkpoint-on-exit");
        Runtime.getRuntime().addShutdownHook(t);
        return t;
    }

    private static void removeHook(Thread t) {
        if (t == null) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(t);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is already going down: the hook runs
        }
    }

    private static CsvData readCsv(Location source, SparkInput.Spec spec) {
        return CsvReader.read(source.localPath(), new CsvRequest(spec.x(), spec.y(), spec.sigma(), spec.policy()));
    }

    private static void requireEnoughPoints(String file, long points, FitRequest request) {
        int p = request.solverProblem().parameterCount();
        if (points < p) {
            String what = request.fixedParameters().isEmpty() ? " parameters" : " free parameters";
            throw new DataException(
                    DataException.Reason.EMPTY,
                    file,
                    0,
                    null,
                    points + " data row(s) but the model has " + p + what + ": the fit is underdetermined");
        }
    }

    /**
     * A model that is not finite at the start, reported at its line of the file (the library
     * counts points from 0, which would only confuse next to a file), with the start values.
     */
    private static NumericalException atLine(NumericalException e, CsvData csv, FitRequest request) {
        long[] where = e.sampleIndexes();
        long line = e.point() == NumericalException.DetectionPoint.LOSS && where.length > 0 ? csv.lineOf(where[0]) : 0;
        StringBuilder starts = new StringBuilder();
        List<String> names = request.parameterNames();
        for (int i = 0; i < names.size(); i++) {
            starts.append(i == 0 ? "" : ", ")
                    .append(names.get(i))
                    .append('=')
                    .append(FitRequest.format(request.problem().start()[i]));
        }
        String message = line > 0
                ? csv.file() + ":" + line + ": "
                        + e.getMessage().replaceFirst(", first at data row \\d+", ", the first on this line")
                : e.getMessage();
        return new NumericalException(
                message + " (start values: " + starts + ")", e.point(), e.sampleIndexes(), e.sampleValues());
    }

    /** The points of {@code blocks}, thinned for a report (never copied whole). */
    private static DataBlock sample(List<DataBlock> blocks) {
        return FitReport.thin(blocks, FitReport.MAX_POINTS);
    }

    /**
     * A report's points for data that live on Spark: read again (not cached), every partition
     * thinned in its task to its share, so the driver receives at most about {@link
     * FitReport#MAX_POINTS} points.
     */
    private static DataBlock sparkSample(Function<SparkInput.LevelChoice, SparkInput.Loaded> loader) {
        try (SparkInput.Loaded data = loader.apply(n -> StorageLevel.NONE())) {
            int per = Math.max(1, FitReport.MAX_POINTS / Math.max(1, data.partitions()));
            List<DataBlock> parts =
                    data.blocks().map(b -> FitReport.thin(b, per)).collect();
            return sample(parts);
        }
    }
}
