package org.sparknlsq.io;

import java.util.Locale;

/**
 * What to do with a record whose value is missing, not finite, or (for sigma) not positive.
 * Malformed lines (wrong field count, text that is not a number) are always errors: they point
 * to a broken file or a wrong separator, which dropping would hide.
 */
public enum BadRecordPolicy {
    /** Stop at the first bad record, naming its line and column. The default. */
    FAILFAST,
    /** Skip bad records and count them. */
    DROP;

    /** The command-line spelling: {@code failfast} or {@code drop}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code failfast} or {@code drop}, case-insensitive. */
    public static BadRecordPolicy parse(String name) {
        for (BadRecordPolicy p : values()) {
            if (p.cliName().equalsIgnoreCase(name.strip())) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown policy '" + name + "' (expected failfast or drop)");
    }
}
