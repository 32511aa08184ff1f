package io.proflens.analysis.phases;

import io.proflens.model.NvtxTable;
import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * The occurrences of one series, stored as primitive columns and materialised as {@link PhaseOccurrence} records on
 * access: a trace with tens of millions of NVTX ranges would otherwise hold one object per range. Immutable (the
 * arrays are owned by this list and never changed after construction).
 */
final class OccurrenceList extends AbstractList<PhaseOccurrence> implements RandomAccess {
    /** Marks a null gap/idle value in the long columns. */
    static final long NONE = Long.MIN_VALUE;

    private final NvtxTable nv;
    private final int[] rows;
    private final int from;
    private final int size;
    private final boolean[] warm;
    private final int[] ops;
    private final long[] gpuStart;
    private final long[] gpuEnd;
    private final long[] busy;
    private final long[] gapToNext;
    private final long[] idleToNext;

    /**
     * @param nv         the NVTX table the rows index
     * @param rows       NVTX rows; occurrence j is {@code rows[from + j]} (shared, never modified)
     * @param from       first index in {@code rows}
     * @param size       number of occurrences
     * @param warm       warm-up flag per occurrence
     * @param ops        projected GPU operations per occurrence, or null when the series is not projected
     * @param gpuStart   first projected op start (meaningful where ops &gt; 0), or null
     * @param gpuEnd     last projected op end, or null
     * @param busy       projected busy ns, or null
     * @param gapToNext  gap to the next occurrence on the GPU, {@link #NONE} for null, or null
     * @param idleToNext idle of the process in that gap, {@link #NONE} for null, or null
     */
    OccurrenceList(NvtxTable nv, int[] rows, int from, int size, boolean[] warm, int[] ops, long[] gpuStart, long[] gpuEnd, long[] busy,
            long[] gapToNext, long[] idleToNext) {
        this.nv = nv;
        this.rows = rows;
        this.from = from;
        this.size = size;
        this.warm = warm;
        this.ops = ops;
        this.gpuStart = gpuStart;
        this.gpuEnd = gpuEnd;
        this.busy = busy;
        this.gapToNext = gapToNext;
        this.idleToNext = idleToNext;
    }

    @Override
    public PhaseOccurrence get(int j) {
        java.util.Objects.checkIndex(j, size);
        int r = rows[from + j];
        long s = nv.startNs(r);
        long e = nv.endNs(r);
        if (ops == null) {
            return new PhaseOccurrence(j, r, s, e, e - s, warm[j], 0, null, null, 0, null, null);
        }
        int n = ops[j];
        return new PhaseOccurrence(j, r, s, e, e - s, warm[j], n, n > 0 ? gpuStart[j] : null, n > 0 ? gpuEnd[j] : null,
                busy[j], gapToNext[j] == NONE ? null : gapToNext[j], idleToNext[j] == NONE ? null : idleToNext[j]);
    }

    @Override
    public int size() {
        return size;
    }
}
