package io.proflens.analysis.phases;

/**
 * A leading occurrence of a series flagged as warm-up: its duration exceeds the steady-state median by more than
 * {@link PhaseOptions#warmupFactor()}.
 *
 * @param index          0-based position of the occurrence in its series (time order)
 * @param startNs        start of the occurrence, ns on the trace clock
 * @param durationNs     duration of the occurrence, ns
 * @param steadyMedianNs median duration of the steady-state occurrences it was compared with, ns
 * @param ratio          {@code durationNs / steadyMedianNs}
 */
public record WarmupOutlier(int index, long startNs, long durationNs, double steadyMedianNs, double ratio) {
}
