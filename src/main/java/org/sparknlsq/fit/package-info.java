/**
 * The library's one entry point for a whole fit: {@link org.sparknlsq.fit.CurveFitting#fit} takes a
 * {@link org.sparknlsq.fit.FitInput} (a {@code Dataset<Row>}, a file or URI, or arrays) and a
 * {@link org.sparknlsq.fit.FitRequest} (built and checked as a whole), chooses where and how the
 * fit runs, protects checkpoints with a config hash and a data fingerprint, and returns a typed
 * {@link org.sparknlsq.fit.FitOutcome}. Also: reading a result document back ({@link
 * org.sparknlsq.fit.SavedFit}) and predicting with it ({@link org.sparknlsq.fit.Predictions}).
 * Every client (Estimator, command line, Python, notebooks) goes through here.
 */
package org.sparknlsq.fit;
