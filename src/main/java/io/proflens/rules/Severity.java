package io.proflens.rules;

/**
 * How much a {@link Finding} matters, from a 0-100 score as in JDK Mission Control's rules: below 25 {@link #OK},
 * 25 to below 50 {@link #INFO}, 50 to below 75 {@link #WARNING}, 75 and up {@link #CRITICAL}.
 * {@link #NOT_APPLICABLE} means the rule's required data is missing (never a false OK); {@link #FAILED} that the
 * rule threw (the report goes on).
 */
public enum Severity {
    CRITICAL, WARNING, INFO, OK, NOT_APPLICABLE, FAILED;

    /**
     * @param score 0-100 (clamped)
     * @return the band of that score
     */
    public static Severity ofScore(double score) {
        if (score >= 75) {
            return CRITICAL;
        }
        if (score >= 50) {
            return WARNING;
        }
        return score >= 25 ? INFO : OK;
    }

    /** @return true for CRITICAL, WARNING and INFO: the rule found something to tell */
    public boolean isProblem() {
        return this == CRITICAL || this == WARNING || this == INFO;
    }

    /** @return lower-case label as printed: "critical", "warning", "info", "ok", "n/a", "failed" */
    public String label() {
        return this == NOT_APPLICABLE ? "n/a" : name().toLowerCase(java.util.Locale.ROOT);
    }
}
