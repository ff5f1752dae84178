/** A fit problem as data: model, start values, bounds, loss and sigma semantics. */
package org.sparknlsq.problem;
