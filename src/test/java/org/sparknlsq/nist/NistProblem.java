package org.sparknlsq.nist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.sparknlsq.kernel.DataBlock;
import org.sparknlsq.model.CurveModel;
import org.sparknlsq.model.expr.ExpressionModel;

/** One NIST StRD nonlinear regression problem, read from the copied {@code certified.json}. */
record NistProblem(
        String name,
        String level,
        String expression,
        List<String> variables,
        List<String> parameters,
        double[] start1,
        double[] start2,
        double[] certifiedValues,
        double[] certifiedStdDev,
        double residualSumOfSquares,
        DataBlock data) {

    /** LRE cap, as in the NIST StRD documentation and the data README. */
    static final double LRE_CAP = 11;

    static List<NistProblem> all() {
        try (InputStream in = NistProblem.class.getResourceAsStream("/nist/certified.json")) {
            JsonNode root = new ObjectMapper().readTree(in);
            List<NistProblem> out = new ArrayList<>();
            for (JsonNode p : root.get("problems")) {
                out.add(parse(p));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static NistProblem parse(JsonNode p) {
        String name = p.get("name").asText();
        StringBuilder model = new StringBuilder();
        for (JsonNode line : p.get("model_lines")) {
            String l = line.asText().trim();
            if (l.startsWith("pi =")) {
                continue; // the constant pi is built into the grammar
            }
            model.append(' ').append(l);
        }
        String m = model.toString().trim();
        // "y = <model> + e" and Nelson's "log[y] = <model> + e": keep the right-hand side as NIST
        // writes it, dropping only the error term.
        String lhs = m.substring(0, m.indexOf('=')).trim();
        String rhs = m.substring(m.indexOf('=') + 1).trim();
        rhs = rhs.substring(0, rhs.lastIndexOf('+')).trim();
        List<String> cols = new ArrayList<>();
        p.get("data_columns").forEach(c -> cols.add(c.asText()));
        List<String> vars = cols.subList(1, cols.size());
        int n = p.get("n_observations").asInt();
        double[] y = doubles(p.get("y"));
        boolean logY = lhs.startsWith("log");
        if (logY) {
            for (int i = 0; i < n; i++) {
                y[i] = Math.log(y[i]);
            }
        }
        double[] x = new double[n * vars.size()];
        for (int k = 0; k < vars.size(); k++) {
            double[] col = doubles(p.get(vars.get(k)));
            for (int i = 0; i < n; i++) {
                x[i * vars.size() + k] = col[i];
            }
        }
        List<String> params = new ArrayList<>();
        p.get("parameters").forEach(c -> params.add(c.asText()));
        return new NistProblem(
                name,
                p.get("level").asText(),
                rhs,
                List.copyOf(vars),
                List.copyOf(params),
                doubles(p.get("start1")),
                doubles(p.get("start2")),
                doubles(p.get("certified_values")),
                doubles(p.get("certified_std_dev")),
                p.get("residual_sum_of_squares").asDouble(),
                new DataBlock(x, y, null, vars.size(), 0));
    }

    private static double[] doubles(JsonNode a) {
        double[] d = new double[a.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = a.get(i).asDouble();
        }
        return d;
    }

    CurveModel model() {
        return ExpressionModel.compile(expression, variables, parameters);
    }

    /** Log relative error, −log10(|est − cert| / |cert|), capped at {@link #LRE_CAP}. */
    static double lre(double estimate, double certified) {
        if (!Double.isFinite(estimate)) {
            return 0;
        }
        double rel = Math.abs(estimate - certified) / Math.abs(certified);
        return rel == 0 ? LRE_CAP : Math.max(0, Math.min(LRE_CAP, -Math.log10(rel)));
    }

    @Override
    public String toString() {
        return name;
    }
}
