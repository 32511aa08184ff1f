package io.proflens.ingest;

/**
 * Receives import progress; implementations must be cheap (called every few thousand rows).
 * {@link #NONE} ignores everything.
 */
public interface ProgressListener {
    /** Ignores progress. */
    ProgressListener NONE = new ProgressListener() {
        @Override
        public void begin(String task, long total) {
        }

        @Override
        public void advance(long done) {
        }

        @Override
        public void end() {
        }
    };

    /** A task with {@code total} steps (rows) starts; {@code total} may be -1 when unknown. */
    void begin(String task, long total);

    /** {@code done} steps of the current task are complete. */
    void advance(long done);

    /** The current task ended. */
    void end();
}
