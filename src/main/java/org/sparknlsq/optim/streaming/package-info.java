/** The STREAMING optimizer: a step per batch of partitions, epochs, then an exact polish. */
package org.sparknlsq.optim.streaming;
