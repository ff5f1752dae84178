/**
 * Models {@code y = f(x; p)}: the {@link org.sparknlsq.model.CurveModel} contract (value and
 * Jacobian row into caller-owned arrays) and a Jacobian checker against central differences.
 */
package org.sparknlsq.model;
