package org.sparknlsq.cli;

/**
 * One problem with the value of one option, collected with the others so that a command reports
 * them all at once; {@link ConfigFile.Options#locate} says where in a config file the value was.
 *
 * @param option the option as typed on the command line, such as {@code --bounds}
 */
record OptionProblem(String option, String message) {
    @Override
    public String toString() {
        return option + ": " + message;
    }
}
