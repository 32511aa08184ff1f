package io.proflens.model;

/**
 * Common part of every event table: rows with a start and an end timestamp in ns on the trace clock.
 *
 * <p>Rows keep the order of the source (nsys: rowid order; Kineto: file order); analyses sort
 * themselves when they need an order. {@link #present()} tells "the capture had this kind of data"
 * (nsys: the table exists) apart from "it had none": a present table can have zero rows, and reports
 * print nsys's {@code SKIPPED} message only for an absent one.
 */
public abstract class IntervalTable implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    /** Sentinel for an end that is unknown (SQL NULL), e.g. an NVTX range that never closed. */
    public static final long NO_END = Long.MIN_VALUE;

    protected final boolean present;
    protected final int size;
    protected final long[] startNs;
    protected final long[] endNs;

    protected IntervalTable(boolean present, int size, long[] startNs, long[] endNs) {
        this.present = present;
        this.size = size;
        this.startNs = startNs;
        this.endNs = endNs;
    }

    /** @return whether the source had this table at all (absent differs from empty). */
    public final boolean present() {
        return present;
    }

    /** @return number of rows. */
    public final int size() {
        return size;
    }

    /** @return start of row {@code i}, ns. */
    public final long startNs(int i) {
        return startNs[i];
    }

    /** @return end of row {@code i}, ns, or {@link #NO_END}. */
    public final long endNs(int i) {
        return endNs[i];
    }

    /** @return {@code end - start} of row {@code i}, ns; meaningless when the end is {@link #NO_END}. */
    public final long durationNs(int i) {
        return endNs[i] - startNs[i];
    }

    /** @return whether row {@code i} has a known end. */
    public final boolean hasEnd(int i) {
        return endNs[i] != NO_END;
    }
}
