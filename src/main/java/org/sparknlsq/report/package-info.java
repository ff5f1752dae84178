/** Fit reports: a PNG (data and fit, residuals, convergence, partitions) and an HTML page. */
package org.sparknlsq.report;
