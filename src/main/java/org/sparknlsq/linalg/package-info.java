/** Small dense linear algebra on EJML: factorizations with explicit fallbacks, covariance. */
package org.sparknlsq.linalg;
