package org.sparknlsq.kernel.internal;

import org.codehaus.commons.compiler.CompileException;
import org.codehaus.janino.ClassBodyEvaluator;

/**
 * Register-resident rank-n updates of a packed upper triangle of order q: the q(q+1)/2 sums
 * walk the n points together in local variables, sharing each column load, as independent add
 * chains, and are added to the packed matrix once (blocked {@code dsyrk}). Written out by hand
 * for q = 4 such a loop took 1.27–1.40x the time of a fully fused pass against 1.54–1.66x for one
 * dot product per entry (KernelHeadroom, one core); the generated loop for q = 4 measured the same
 * as the handwritten one (interleaved runs, engine/exp-only 2.26–2.34 against 2.18–2.30). The loop
 * is generated for each q up to {@value #MAX_ORDER} and compiled once per JVM with Janino; the
 * source is made from the integer q alone. Larger q use the dot-product form in {@link
 * Accumulator}; other q than 4 have not been timed.
 *
 * <p>Public only because the generated classes live in their own class loader and the accumulator
 * is in another package; an internal class, not an API.
 */
public final class RankUpdates {
    /** Largest order generated: 78 sums, about what the JIT still keeps in registers and L1. */
    public static final int MAX_ORDER = 12;

    private static final Update[] CACHE = new Update[MAX_ORDER + 1];

    private RankUpdates() {}

    /** {@code packed += Σ_b a_b a_bᵀ} for the columns {@code cols[i·stride + b]}, b < n. */
    public interface Update {
        void apply(double[] cols, int stride, int n, double[] packed);
    }

    /** The update for order q, or null when q exceeds {@link #MAX_ORDER}. */
    public static Update forOrder(int q) {
        if (q > MAX_ORDER) {
            return null;
        }
        synchronized (CACHE) {
            if (CACHE[q] == null) {
                CACHE[q] = compile(q);
            }
            return CACHE[q];
        }
    }

    /** The generated class body for order q. */
    static String source(int q) {
        StringBuilder b = new StringBuilder();
        b.append("public void apply(double[] c, int stride, int n, double[] m) {\n");
        for (int i = 0; i < q; i++) {
            for (int j = i; j < q; j++) {
                b.append("  double s").append(i).append('_').append(j).append(" = 0;\n");
            }
        }
        for (int i = 0; i < q; i++) {
            b.append("  int o").append(i).append(" = ").append(i).append(" * stride;\n");
        }
        b.append("  for (int k = 0; k < n; k++) {\n");
        for (int i = 0; i < q; i++) {
            b.append("    double a").append(i).append(" = c[o").append(i).append(" + k];\n");
        }
        for (int i = 0; i < q; i++) {
            for (int j = i; j < q; j++) {
                b.append("    s").append(i).append('_').append(j);
                b.append(" += a").append(i).append(" * a").append(j).append(";\n");
            }
        }
        b.append("  }\n");
        int idx = 0;
        for (int i = 0; i < q; i++) {
            for (int j = i; j < q; j++) {
                b.append("  m[")
                        .append(idx++)
                        .append("] += s")
                        .append(i)
                        .append('_')
                        .append(j)
                        .append(";\n");
            }
        }
        b.append("}\n");
        return b.toString();
    }

    private static Update compile(int q) {
        ClassBodyEvaluator janino = new ClassBodyEvaluator();
        janino.setClassName(RankUpdates.class.getPackageName() + ".GeneratedRankUpdate" + q);
        janino.setImplementedInterfaces(new Class<?>[] {Update.class});
        janino.setParentClassLoader(Update.class.getClassLoader());
        String source = source(q);
        try {
            janino.cook(source);
            return (Update) janino.getClazz().getDeclaredConstructor().newInstance();
        } catch (CompileException | ReflectiveOperationException e) {
            throw new IllegalStateException("generated rank update for q = " + q + " is invalid:\n" + source, e);
        }
    }
}
