package io.proflens.analysis.classify;

/**
 * The category of one kernel name and the rule that decided it.
 *
 * @param category  the category; {@link KernelCategory#OTHER} when no rule matched
 * @param ruleRegex the regular expression of the deciding rule, or null when no rule matched
 * @param why       the deciding rule's explanation, or "no rule matched" for OTHER
 * @param ruleLine  1-based line of the deciding rule in its rule file, or -1 when no rule matched
 * @param tileShape the GEMM tile parsed from the name ("128x64", "128x128x64"), or null when the category is not
 *                  {@link KernelCategory#GEMM} or the name carries no tile
 */
public record Classification(KernelCategory category, String ruleRegex, String why, int ruleLine, String tileShape) {
    /** The classification of a name no rule matches. */
    static final Classification UNMATCHED = new Classification(KernelCategory.OTHER, null, "no rule matched", -1, null);

    /** @return true if a rule decided this classification (false for the no-match OTHER) */
    public boolean matched() {
        return ruleRegex != null;
    }
}
