package io.proflens.ingest.timers;

import java.util.Objects;

/**
 * One in-code timer line of a log.
 *
 * @param lineNumber      1-based line in the log
 * @param iteration       1-based iteration the line belongs to (see {@link TimerLogReader})
 * @param kind            which of the three line kinds it is
 * @param label           {@link Kind#GROUP}: the bracketed group ({@code DOWN}); {@link Kind#PHASE}: the bracketed
 *                        label ({@code BWD TIMER}); {@link Kind#GENERIC}: {@code null}
 * @param name            the timer's name ({@code D0_prepare+memset}, {@code backward_down})
 * @param valueNs         the time, ns (converted from the line's unit, half-up)
 * @param reportedTotalNs {@link Kind#PHASE} only: the running total the line reports, ns, or {@code null}
 */
public record TimerLine(int lineNumber, int iteration, Kind kind, String label, String name, long valueNs,
                        Long reportedTotalNs) {
    /** The line kinds. */
    public enum Kind {
        /** {@code [GROUP] name: 12.345 ms}: a detail timer of a group. */
        GROUP,
        /** {@code [... TIMER] phase: X ms (total: Y ms)}: a phase timer with an optional running total. */
        PHASE,
        /** {@code name: value unit} alone on a line. */
        GENERIC
    }

    /** Requires kind and name. */
    public TimerLine {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
    }
}
