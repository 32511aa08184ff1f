package io.proflens.model;

/**
 * GPU memsets (nsys {@code CUPTI_ACTIVITY_KIND_MEMSET}, Kineto {@code gpu_memset}).
 * {@code memKind} uses {@link MemoryKind} ids, {@code -1} when unknown.
 */
public final class MemsetTable extends GpuActivityTable {
    private final long[] bytes;
    private final byte[] memKind;
    private final int[] value;

    private MemsetTable(Builder b) {
        super(b);
        bytes = Columns.fit(b.bytes, b.size);
        memKind = Columns.fit(b.memKind, b.size);
        value = Columns.fit(b.value, b.size);
    }

    public static MemsetTable empty(boolean present) {
        return new Builder(present, 0).build();
    }

    /** @return bytes set. */
    public long bytes(int i) { return bytes[i]; }
    /** @return {@link MemoryKind} id, -1 unknown. */
    public int memKind(int i) { return memKind[i]; }
    /** @return the byte value written. */
    public int value(int i) { return value[i]; }

    /** Feeds every row, in table order, to {@code sink}. */
    public void replay(RowSinks.MemsetSink sink) {
        for (int i = 0; i < size; i++) {
            sink.memset(startNs[i], endNs[i], deviceId[i], contextId[i], streamId[i], correlationId[i], globalPid[i],
                    bytes[i], memKind[i], value[i]);
        }
    }

    public static final class Builder extends GpuActivityBuilder implements RowSinks.MemsetSink {
        private long[] bytes;
        private byte[] memKind;
        private int[] value;

        public Builder(boolean present, int expectedRows) {
            super(present, expectedRows);
            bytes = new long[capacity];
            memKind = new byte[capacity];
            value = new int[capacity];
        }

        @Override
        protected void growExtra(int c) {
            bytes = Columns.longs(bytes, c);
            memKind = Columns.bytes(memKind, c);
            value = Columns.ints(value, c);
        }

        @Override
        public int memset(long start, long end, int device, int context, int stream, int corr, long globalPid,
                          long bytes, int memKind, int value) {
            return add(start, end, device, context, stream, corr, globalPid, bytes, memKind, value);
        }

        public int add(long start, long end, int device, int context, int stream, int corr, long globalPid,
                       long bytes, int memKind, int value) {
            int i = addBase(start, end, device, context, stream, corr, globalPid);
            this.bytes[i] = bytes;
            this.memKind[i] = (byte) memKind;
            this.value[i] = value;
            return i;
        }

        public MemsetTable build() {
            return new MemsetTable(this);
        }
    }
}
