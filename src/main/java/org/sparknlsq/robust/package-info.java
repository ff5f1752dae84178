/**
 * Fault tolerance as data: settings, the fault report, batch statistics, metrics, and the
 * exceptions (numerical, convergence, batch failure, checkpoint) each with its context.
 */
package org.sparknlsq.robust;
