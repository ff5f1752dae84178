/** The built-in models, each with analytic derivatives: {@link org.sparknlsq.model.builtin.BuiltinModels}. */
package org.sparknlsq.model.builtin;
