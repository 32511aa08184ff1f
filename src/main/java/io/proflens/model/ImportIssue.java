package io.proflens.model;

/**
 * Something an importer dropped, repaired or found suspect, counted rather than swallowed
 * (Perfetto's {@code stats} idea). Shown with every report.
 *
 * @param code     stable id, e.g. {@code nvtx.null_end}, {@code kernel.negative_duration}
 * @param severity how much it matters
 * @param count    number of affected rows ({@code >= 1})
 * @param message  one line for people, naming the table and what was done
 */
public record ImportIssue(String code, Severity severity, long count, String message) implements java.io.Serializable {
    /** Severity of an import issue. */
    public enum Severity {
        /** Informational: data was normal but notable (e.g. a sliced capture). */
        INFO,
        /** Rows were repaired or may be misleading. */
        WARNING,
        /** Rows were dropped. */
        ERROR
    }
}
