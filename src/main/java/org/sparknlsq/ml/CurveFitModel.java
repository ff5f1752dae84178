package org.sparknlsq.ml;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.sparknlsq.fit.FitOutcome;
import org.sparknlsq.fit.Predictions;
import org.sparknlsq.fit.SavedFit;
import scala.Option;

/**
 * A fitted curve: its parameters, their covariance, and {@link #transform} that adds the
 * prediction (and, with {@code predictionStdCol}, its delta-method standard error) to any
 * DataFrame with the x columns. Saved with {@link #write()} as Spark ML metadata plus the result
 * document of the fit ({@code data/result.json}, the same JSON as the command line's {@code
 * --output}); a loaded model predicts identically but has no {@link #summary()}, as in Spark ML.
 */
public final class CurveFitModel extends Model<CurveFitModel> implements MLWritable {
    private static final String RESULT = "data/result.json";

    private final String uid;
    private final SavedFit saved;
    private final transient FitOutcome outcome;
    private final transient Dataset<Row> training;

    final StringArrayParam xCols;
    final Param<String> yCol;
    final Param<String> sigmaCol;
    final Param<String> predictionCol;
    final Param<String> predictionStdCol;

    CurveFitModel(String uid, FitOutcome outcome, Dataset<Row> training) {
        this(uid, SavedFit.of(outcome), outcome, training);
    }

    private CurveFitModel(String uid, SavedFit saved, FitOutcome outcome, Dataset<Row> training) {
        this.uid = uid;
        xCols = new StringArrayParam(this, "xCols", "independent-variable columns, in model order");
        yCol = new Param<>(this, "yCol", "observation column");
        sigmaCol = new Param<>(this, "sigmaCol", "standard-deviation column; empty for none");
        predictionCol = new Param<>(this, "predictionCol", "prediction column");
        predictionStdCol =
                new Param<>(this, "predictionStdCol", "column of the prediction's standard error; empty for none");
        this.saved = saved;
        this.outcome = outcome;
        this.training = training;
        setDefault(xCols, saved.xColumns().toArray(new String[0]));
        setDefault(yCol, "y");
        setDefault(sigmaCol, "");
        setDefault(predictionCol, "prediction");
        setDefault(predictionStdCol, "");
    }

    @Override
    public String uid() {
        return uid;
    }

    @Override
    public Param<?>[] params() {
        return new Param<?>[] {xCols, yCol, sigmaCol, predictionCol, predictionStdCol};
    }

    public CurveFitModel setXCols(String[] v) {
        set(xCols, v.clone());
        return this;
    }

    public CurveFitModel setPredictionCol(String v) {
        set(predictionCol, v);
        return this;
    }

    public CurveFitModel setPredictionStdCol(String v) {
        set(predictionStdCol, v);
        return this;
    }

    public String[] getXCols() {
        return getOrDefault(xCols);
    }

    /** The parameter names, in model order. */
    public List<String> parameterNames() {
        return saved.parameterNames();
    }

    /** The fitted values by name, in model order. */
    public Map<String, Double> parameters() {
        return named(saved.parameters());
    }

    /** One-standard-deviation uncertainties by name (0 for a fixed parameter). */
    public Map<String, Double> uncertainties() {
        return named(saved.uncertainties());
    }

    /** The covariance in the order of {@link #parameterNames()}; zero rows for fixed parameters. */
    public double[][] covariance() {
        double[][] c = saved.covariance();
        double[][] out = new double[c.length][];
        for (int i = 0; i < c.length; i++) {
            out[i] = c[i].clone();
        }
        return out;
    }

    /** The result document of the fit (the command line's {@code --output} JSON). */
    public String resultJson() {
        return saved.json();
    }

    public boolean hasSummary() {
        return outcome != null;
    }

    /**
     * Statistics, residuals and the report of the fit that made this model.
     *
     * @throws IllegalStateException for a loaded model, which has none
     */
    public CurveFitSummary summary() {
        if (outcome == null) {
            throw new IllegalStateException("no summary: this CurveFitModel was loaded, not fitted here (its result"
                    + " document is resultJson())");
        }
        return new CurveFitSummary(outcome, training, this);
    }

    @Override
    public StructType transformSchema(StructType schema) {
        Schemas.requireInputs(schema, Arrays.asList(getXCols()), null, null);
        if (getXCols().length != saved.variables().size()) {
            throw new IllegalArgumentException(
                    "xCols: the model has " + saved.variables().size() + " variable(s) " + saved.variables() + ", got "
                            + getXCols().length + " column(s)");
        }
        return Schemas.withPredictions(schema, getOrDefault(predictionCol), getOrDefault(predictionStdCol));
    }

    /** Adds the prediction (and its standard error when {@code predictionStdCol} is set). */
    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        return Predictions.add(
                dataset.toDF(),
                saved.predictor(),
                Arrays.asList(getXCols()),
                getOrDefault(predictionCol),
                getOrDefault(predictionStdCol));
    }

    private Map<String, Double> named(double[] values) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            m.put(saved.parameterNames().get(i), values[i]);
        }
        return Collections.unmodifiableMap(m);
    }

    @Override
    public CurveFitModel copy(ParamMap extra) {
        CurveFitModel m = new CurveFitModel(uid, saved, outcome, training);
        copyValues(m, extra);
        return m.setParent(parent());
    }

    @Override
    public MLWriter write() {
        return new Writer(this);
    }

    public static MLReader<CurveFitModel> read() {
        return new Reader();
    }

    public static CurveFitModel load(String path) {
        return read().load(path);
    }

    /** Spark ML metadata (class, uid, Params) and the result document. */
    private static final class Writer extends MLWriter {
        private final CurveFitModel model;

        Writer(CurveFitModel model) {
            this.model = model;
        }

        @Override
        public void saveImpl(String path) {
            DefaultParamsWriter$.MODULE$.saveMetadata(model, path, sparkSession());
            Path file = new Path(path, RESULT);
            try {
                FileSystem fs = file.getFileSystem(sparkSession().sparkContext().hadoopConfiguration());
                try (OutputStream out = fs.create(file, false)) {
                    out.write(model.saved.json().getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
            }
        }
    }

    private static final class Reader extends MLReader<CurveFitModel> {
        @Override
        public CurveFitModel load(String path) {
            DefaultParamsReader.Metadata metadata =
                    DefaultParamsReader$.MODULE$.loadMetadata(path, sparkSession(), CurveFitModel.class.getName());
            Path file = new Path(path, RESULT);
            String json;
            try {
                FileSystem fs = file.getFileSystem(sparkSession().sparkContext().hadoopConfiguration());
                try (InputStream in = fs.open(file)) {
                    json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
            }
            CurveFitModel m = new CurveFitModel(metadata.uid(), SavedFit.parse(json), null, null);
            metadata.getAndSetParams(m, Option.empty());
            return m;
        }
    }
}
