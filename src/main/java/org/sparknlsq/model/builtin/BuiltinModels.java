package org.sparknlsq.model.builtin;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sparknlsq.model.CurveModel;

/**
 * The library of built-in models, by factory method or by name.
 *
 * <p>Callers may rely on: every model returned is stateless, thread-safe, serializable and has
 * analytic derivatives; models compare equal when they are the same built-in (and, for
 * polynomials, the same degree); the names accepted by {@link #byName} are stable, since they
 * appear in configuration files and results.
 */
public final class BuiltinModels {

    private static final String POLYNOMIAL_SPEC = "polynomial:<n>";
    private static final Pattern POLYNOMIAL = Pattern.compile("(?:polynomial:|poly)(\\d+)");

    private static final Linear LINEAR = new Linear();
    private static final ExponentialDecay EXPONENTIAL_DECAY = new ExponentialDecay();
    private static final DoubleExponential DOUBLE_EXPONENTIAL = new DoubleExponential();
    private static final StretchedExponential STRETCHED_EXPONENTIAL = new StretchedExponential();
    private static final Gaussian GAUSSIAN = new Gaussian();
    private static final Lorentzian LORENTZIAN = new Lorentzian();
    private static final PseudoVoigt PSEUDO_VOIGT = new PseudoVoigt();
    private static final PowerLaw POWER_LAW = new PowerLaw();
    private static final Logistic LOGISTIC = new Logistic();
    private static final DampedSine DAMPED_SINE = new DampedSine();
    private static final XpcsG2 XPCS_G2 = new XpcsG2();

    /** Alias to canonical name. */
    private static final Map<String, String> ALIASES = Map.of("voigt", "pseudo_voigt", "sigmoid", "logistic");

    /** Canonical name to model, without the polynomial family. */
    private static final Map<String, CurveModel> FIXED;

    /** The canonical names in documentation order, polynomial family included. */
    private static final List<String> NAMES;

    /** One-line list of every accepted spelling, for error messages. */
    private static final String VALID_NAMES;

    static {
        Map<String, CurveModel> fixed = new LinkedHashMap<>();
        fixed.put("linear", LINEAR);
        fixed.put("exponential_decay", EXPONENTIAL_DECAY);
        fixed.put("double_exponential", DOUBLE_EXPONENTIAL);
        fixed.put("stretched_exponential", STRETCHED_EXPONENTIAL);
        fixed.put("gaussian", GAUSSIAN);
        fixed.put("lorentzian", LORENTZIAN);
        fixed.put("pseudo_voigt", PSEUDO_VOIGT);
        fixed.put("power_law", POWER_LAW);
        fixed.put("logistic", LOGISTIC);
        fixed.put("damped_sine", DAMPED_SINE);
        fixed.put("xpcs_g2", XPCS_G2);
        FIXED = Collections.unmodifiableMap(fixed);

        List<String> names = new ArrayList<>(fixed.keySet());
        names.add(1, POLYNOMIAL_SPEC);
        NAMES = List.copyOf(names);

        StringJoiner valid = new StringJoiner(", ");
        for (String name : NAMES) {
            StringBuilder entry = new StringBuilder(name);
            if (name.equals(POLYNOMIAL_SPEC)) {
                entry.append(" (or poly<n>)");
            }
            ALIASES.forEach((alias, target) -> {
                if (target.equals(name)) {
                    entry.append(" (or ").append(alias).append(')');
                }
            });
            valid.add(entry);
        }
        VALID_NAMES = valid.toString();
    }

    private BuiltinModels() {}

    /** {@code a*x + b}. */
    public static CurveModel linear() {
        return LINEAR;
    }

    /**
     * {@code c0 + c1*x + ... + cn*x^n}.
     *
     * @throws IllegalArgumentException unless {@code 0 <= n <= Polynomial.MAX_DEGREE}
     */
    public static CurveModel polynomial(int n) {
        return new Polynomial(n);
    }

    /** {@code a*exp(-b*x) + c}. */
    public static CurveModel exponentialDecay() {
        return EXPONENTIAL_DECAY;
    }

    /** {@code a1*exp(-b1*x) + a2*exp(-b2*x) + c}. */
    public static CurveModel doubleExponential() {
        return DOUBLE_EXPONENTIAL;
    }

    /** {@code a*exp(-(x/tau)^beta) + c}, for {@code x/tau >= 0}. */
    public static CurveModel stretchedExponential() {
        return STRETCHED_EXPONENTIAL;
    }

    /** {@code a*exp(-(x-mu)^2/(2*sigma^2)) + c}. */
    public static CurveModel gaussian() {
        return GAUSSIAN;
    }

    /** {@code a*gamma^2/((x-x0)^2+gamma^2) + c}. */
    public static CurveModel lorentzian() {
        return LORENTZIAN;
    }

    /** Peak-normalized {@code a*(eta*L + (1-eta)*G) + c}; see {@link PseudoVoigt}. */
    public static CurveModel pseudoVoigt() {
        return PSEUDO_VOIGT;
    }

    /** {@code a*x^b + c}, for {@code x >= 0}. */
    public static CurveModel powerLaw() {
        return POWER_LAW;
    }

    /** {@code L/(1+exp(-k*(x-x0))) + c}. */
    public static CurveModel logistic() {
        return LOGISTIC;
    }

    /** {@code a*exp(-gamma*x)*sin(omega*x + phi) + c}. */
    public static CurveModel dampedSine() {
        return DAMPED_SINE;
    }

    /** {@code baseline + beta*exp(-2*Gamma*tau)}, variable tau. */
    public static CurveModel xpcsG2() {
        return XPCS_G2;
    }

    /**
     * Looks a model up by name. Matching ignores case and surrounding blanks. Accepted: the
     * canonical {@link #names()}, with {@code polynomial:<n>} written e.g. {@code polynomial:3}
     * or {@code poly3}, plus the aliases {@code voigt} (for {@code pseudo_voigt}) and {@code
     * sigmoid} (for {@code logistic}).
     *
     * @throws IllegalArgumentException for an unknown name or an invalid polynomial degree; the
     *     message is one line and lists the valid names
     */
    public static CurveModel byName(String spec) {
        if (spec == null) {
            throw unknown(null);
        }
        String key = spec.strip().toLowerCase(Locale.ROOT);
        Matcher poly = POLYNOMIAL.matcher(key);
        if (poly.matches()) {
            int degree;
            try {
                degree = Integer.parseInt(poly.group(1));
            } catch (NumberFormatException tooManyDigits) {
                degree = Integer.MAX_VALUE;
            }
            if (degree > Polynomial.MAX_DEGREE) {
                throw new IllegalArgumentException(
                        "polynomial degree in '" + key + "' must be in [0, " + Polynomial.MAX_DEGREE + "]");
            }
            return new Polynomial(degree);
        }
        CurveModel model = FIXED.get(ALIASES.getOrDefault(key, key));
        if (model == null) {
            throw unknown(spec);
        }
        return model;
    }

    /**
     * The canonical model names, in a fixed documentation order. The polynomial appears as the
     * template {@code polynomial:<n>}; aliases are not listed.
     */
    public static List<String> names() {
        return NAMES;
    }

    private static IllegalArgumentException unknown(String spec) {
        String shown = spec == null ? "null" : "'" + spec.strip().replaceAll("\\s+", " ") + "'";
        return new IllegalArgumentException("unknown model " + shown + "; valid names: " + VALID_NAMES);
    }
}
