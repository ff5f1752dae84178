/**
 * Implementation details of the kernel that must be public for generated code (classes compiled
 * at run time live in their own class loader). Not an API: may change without notice.
 */
package org.sparknlsq.kernel.internal;
