package io.proflens.analysis.phases;

/**
 * A phase directly nested in the main iteration: ranges whose tightest enclosing push/pop range
 * ({@link io.proflens.model.NvtxTable#parent}) is an occurrence of the main iteration series, grouped by key.
 *
 * @param key                 phase key
 * @param role                role by name
 * @param count               number of such ranges over all iterations
 * @param iterationsWithPhase number of iterations that contain at least one
 * @param totalNs             total duration, ns
 * @param meanPerIterationNs  {@code totalNs /} number of iterations (all of them, also those without the phase), ns
 * @param meanPerOccurrenceNs {@code totalNs / count}, ns
 * @param sharePct            {@code totalNs} as percent of the iterations' total duration, 0-100
 */
public record ChildPhase(PhaseKey key, PhaseRole role, int count, int iterationsWithPhase, long totalNs,
                         double meanPerIterationNs, double meanPerOccurrenceNs, double sharePct) {
    /** @return {@link PhaseKey#label()} */
    public String label() {
        return key.label();
    }
}
