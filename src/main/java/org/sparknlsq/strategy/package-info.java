/** How the data are held: the strategy choice by size and memory, and batch sizing. */
package org.sparknlsq.strategy;
