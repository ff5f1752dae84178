/**
 * The Spark ML face of the library: the Estimator {@link org.sparknlsq.ml.CurveFit}, its {@link
 * org.sparknlsq.ml.CurveFitModel} (prediction with standard errors, ML persistence) and {@link
 * org.sparknlsq.ml.CurveFitSummary} (statistics, residuals, report). Works inside a {@code
 * Pipeline}, from Java, Scala and (through py4j) Python.
 */
package org.sparknlsq.ml;
