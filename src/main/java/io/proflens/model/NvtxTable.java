package io.proflens.model;

import java.util.Arrays;

/**
 * NVTX events (nsys {@code NVTX_EVENTS}; Kineto {@code user_annotation} ranges map here with domain "torch").
 *
 * <p>Per row: start/end in ns ({@link #NO_END} for marks and unclosed ranges), nsys {@code eventType}
 * ({@link #PUSH_POP} 59, {@link #START_END} 60, {@link #MARK} 34, NVTXT 70/71), resolved text id, domain
 * id, domain name id ({@link StringTable#NONE} for the default domain or an unknown one), start and end
 * thread. Nesting of push/pop ranges is computed per thread on first use: {@link #parent(int)} is the
 * tightest enclosing push/pop range on the same {@code globalTid} (-1 for roots and non-push/pop rows),
 * {@link #depth(int)} counts from 0.
 */
public final class NvtxTable extends IntervalTable {
    public static final int MARK = 34;
    public static final int PUSH_POP = 59;
    public static final int START_END = 60;
    public static final int NVTXT_PUSH_POP = 70;
    public static final int NVTXT_START_END = 71;
    public static final int DOMAIN_CREATE = 75;

    private final short[] eventType;
    private final int[] textId;
    private final int[] domainId;
    private final int[] domainNameId;
    private final long[] globalTid;
    private final long[] endGlobalTid;
    // Nesting is computed on first use (an O(n log n) sort that summaries never need); guarded by this.
    private volatile int[] parent;
    private int[] depth;

    private NvtxTable(Builder b) {
        super(b.present, b.size, Columns.fit(b.startNs, b.size), Columns.fit(b.endNs, b.size));
        int n = b.size;
        eventType = b.eventType.length == n ? b.eventType : Arrays.copyOf(b.eventType, n);
        textId = Columns.fit(b.textId, n);
        domainId = Columns.fit(b.domainId, n);
        domainNameId = Columns.fit(b.domainNameId, n);
        globalTid = Columns.fit(b.globalTid, n);
        endGlobalTid = Columns.fit(b.endGlobalTid, n);
    }

    public static NvtxTable empty(boolean present) {
        return new Builder(present, 0).build();
    }

    public int eventType(int i) { return eventType[i]; }
    /** @return text id, {@link StringTable#NONE} when the event has no text. */
    public int textId(int i) { return textId[i]; }
    public int domainId(int i) { return domainId[i]; }
    /** @return domain name id or {@link StringTable#NONE}. */
    public int domainNameId(int i) { return domainNameId[i]; }
    public long globalTid(int i) { return globalTid[i]; }
    /** @return thread that ended a start/end range, or 0 when unknown. */
    public long endGlobalTid(int i) { return endGlobalTid[i]; }
    /** @return index of the tightest enclosing push/pop range on the same thread, or -1. */
    public int parent(int i) { return nesting()[i]; }
    /** @return nesting depth of a push/pop range, 0 for roots and other rows. */
    public int depth(int i) {
        nesting();
        return depth[i];
    }

    private int[] nesting() {
        int[] p = parent;
        if (p == null) {
            synchronized (this) {
                p = parent;
                if (p == null) {
                    int[] pa = new int[size];
                    int[] de = new int[size];
                    computeNesting(pa, de);
                    depth = de;
                    parent = pa;
                    p = pa;
                }
            }
        }
        return p;
    }

    /** @return whether row {@code i} is a push/pop range (59 or NVTXT 70). */
    public boolean isPushPop(int i) {
        return eventType[i] == PUSH_POP || eventType[i] == NVTXT_PUSH_POP;
    }

    /** @return whether row {@code i} is a start/end range (60 or NVTXT 71). */
    public boolean isStartEnd(int i) {
        return eventType[i] == START_END || eventType[i] == NVTXT_START_END;
    }

    /** Feeds every row, in table order, to {@code sink}. */
    public void replay(RowSinks.NvtxSink sink) {
        for (int i = 0; i < size; i++) {
            sink.nvtx(startNs[i], endNs[i], eventType[i], textId[i], domainId[i], domainNameId[i], globalTid[i],
                    endGlobalTid[i]);
        }
    }

    /**
     * Push/pop nesting per thread: sort ranges by (thread, start asc, end desc), walk with a stack.
     * A range's parent is the innermost open range that contains it; ranges with unknown end are
     * treated as open to the end of the trace.
     */
    private void computeNesting(int[] parent, int[] depth) {
        Arrays.fill(parent, -1);
        int m = 0;
        int[] idx = new int[size];
        for (int i = 0; i < size; i++) {
            if (isPushPop(i)) {
                idx[m++] = i;
            }
        }
        if (m == 0) {
            return;
        }
        long[] keyTid = globalTid;
        long[] keyStart = startNs;
        long[] keyEnd = endNs;
        int[] order = PrimitiveSort.sortByGroupThen(Arrays.copyOf(idx, m), a -> keyTid[a],
                (a, b) -> Long.compare(keyTid[a], keyTid[b]), (a, b) -> {
            int c = Long.compare(keyStart[a], keyStart[b]);
            if (c != 0) {
                return c;
            }
            c = Long.compare(endOrMax(keyEnd[b]), endOrMax(keyEnd[a]));
            return c != 0 ? c : Integer.compare(a, b);
        });
        int[] stack = new int[Math.min(m, 4096)];
        int top = 0;
        long currentTid = Long.MIN_VALUE;
        for (int k = 0; k < m; k++) {
            int i = order[k];
            if (globalTid[i] != currentTid) {
                top = 0;
                currentTid = globalTid[i];
            }
            long s = startNs[i];
            long e = endOrMax(endNs[i]);
            while (top > 0 && endOrMax(endNs[stack[top - 1]]) < e) {
                top--;
            }
            if (top > 0 && endOrMax(endNs[stack[top - 1]]) < s) {
                top = 0;
            }
            if (top > 0) {
                parent[i] = stack[top - 1];
                depth[i] = depth[stack[top - 1]] + 1;
            }
            if (top == stack.length) {
                stack = Arrays.copyOf(stack, stack.length * 2);
            }
            stack[top++] = i;
        }
    }

    private static long endOrMax(long end) {
        return end == NO_END ? Long.MAX_VALUE : end;
    }

    public static final class Builder implements RowSinks.NvtxSink {
        private final boolean present;
        private int size;
        private int capacity;
        private long[] startNs;
        private long[] endNs;
        private short[] eventType;
        private int[] textId;
        private int[] domainId;
        private int[] domainNameId;
        private long[] globalTid;
        private long[] endGlobalTid;

        public Builder(boolean present, int expectedRows) {
            this.present = present;
            capacity = Math.max(0, expectedRows);
            startNs = new long[capacity];
            endNs = new long[capacity];
            eventType = new short[capacity];
            textId = new int[capacity];
            domainId = new int[capacity];
            domainNameId = new int[capacity];
            globalTid = new long[capacity];
            endGlobalTid = new long[capacity];
        }

        @Override
        public int nvtx(long start, long end, int eventType, int textId, int domainId, int domainNameId,
                        long globalTid, long endGlobalTid) {
            return add(start, end, eventType, textId, domainId, domainNameId, globalTid, endGlobalTid);
        }

        /**
         * @param end end ns or {@link IntervalTable#NO_END}
         */
        public int add(long start, long end, int eventType, int textId, int domainId, int domainNameId,
                       long globalTid, long endGlobalTid) {
            if (size == capacity) {
                int c = Columns.grow(capacity, size + 1);
                startNs = Columns.longs(startNs, c);
                endNs = Columns.longs(endNs, c);
                this.eventType = Arrays.copyOf(this.eventType, c);
                this.textId = Columns.ints(this.textId, c);
                this.domainId = Columns.ints(this.domainId, c);
                this.domainNameId = Columns.ints(this.domainNameId, c);
                this.globalTid = Columns.longs(this.globalTid, c);
                this.endGlobalTid = Columns.longs(this.endGlobalTid, c);
                capacity = c;
            }
            int i = size++;
            startNs[i] = start;
            endNs[i] = end;
            this.eventType[i] = (short) eventType;
            this.textId[i] = textId;
            this.domainId[i] = domainId;
            this.domainNameId[i] = domainNameId;
            this.globalTid[i] = globalTid;
            this.endGlobalTid[i] = endGlobalTid;
            return i;
        }

        public int size() {
            return size;
        }

        public NvtxTable build() {
            return new NvtxTable(this);
        }
    }
}
