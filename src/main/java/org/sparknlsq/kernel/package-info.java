/**
 * The per-point hot loop on primitive arrays: {@link org.sparknlsq.kernel.DataBlock} holds points,
 * {@link org.sparknlsq.kernel.BlockKernel} evaluates the model and adds to an {@link
 * org.sparknlsq.kernel.Accumulator} of the normal equations (add/merge, upper triangle only), and
 * {@link org.sparknlsq.kernel.LocalSource} runs passes on this JVM's cores.
 */
package org.sparknlsq.kernel;
