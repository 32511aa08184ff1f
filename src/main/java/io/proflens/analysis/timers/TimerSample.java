package io.proflens.analysis.timers;

import java.util.Objects;

/**
 * One in-code timer reading, as a reader produced it (the CLI maps {@code io.proflens.ingest.timers.TimerLine} to
 * this record; analyses do not depend on readers).
 *
 * @param iteration       1-based iteration
 * @param kind            line kind
 * @param label           GROUP: the group ({@code DOWN}); PHASE: the bracketed label ({@code BWD TIMER}); GENERIC:
 *                        {@code null}
 * @param name            timer name
 * @param valueNs         time, ns, ≥ 0
 * @param reportedTotalNs PHASE: the running total the line reports, ns, or {@code null}
 * @param lineNumber      1-based line in the log (for messages), or 0
 */
public record TimerSample(int iteration, Kind kind, String label, String name, long valueNs, Long reportedTotalNs,
                          int lineNumber) {
    /** Kinds of timer readings. */
    public enum Kind {
        /** A detail timer of a group ({@code [DOWN] D0_prepare+memset: 69.506 ms}). */
        GROUP,
        /** A phase timer ({@code [BWD TIMER] backward_down: 193.885 ms (total: 193.885 ms)}). */
        PHASE,
        /** A plain {@code name: value unit} timer. */
        GENERIC
    }

    /** @throws IllegalArgumentException for iteration &lt; 1 or a negative value */
    public TimerSample {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        if (iteration < 1 || valueNs < 0) {
            throw new IllegalArgumentException("timer '" + name + "': iteration must be >= 1 and value >= 0");
        }
    }
}
