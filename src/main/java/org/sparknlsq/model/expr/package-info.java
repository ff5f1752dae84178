/**
 * Models typed as formulas: parsed into a tree, differentiated symbolically, simplified and
 * compiled to bytecode from the tree alone ({@link org.sparknlsq.model.expr.ExpressionModel}).
 */
package org.sparknlsq.model.expr;
