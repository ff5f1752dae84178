package org.sparknlsq.fit;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** The "did you mean" of an unknown name: the known names nearest to it in spelling. */
public final class NearestNames {
    private NearestNames() {}

    /**
     * The names of {@code known} at the smallest edit distance from {@code wanted}, if that is at
     * most 2 (and below the length of {@code wanted}); empty when none is that near.
     */
    public static List<String> nearest(String wanted, Collection<String> known) {
        int best = Math.min(2, wanted.length() - 1);
        List<String> near = new ArrayList<>();
        for (String name : known) {
            int d = distance(wanted, name);
            if (d < best) {
                best = d;
                near.clear();
            }
            if (d == best) {
                near.add(name);
            }
        }
        return near;
    }

    /** Optimal string alignment distance: Levenshtein plus swaps of neighbours ('modle', 'model'). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
