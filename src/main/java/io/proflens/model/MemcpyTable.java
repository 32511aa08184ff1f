package io.proflens.model;

/**
 * GPU memory copies (nsys {@code CUPTI_ACTIVITY_KIND_MEMCPY}, Kineto {@code gpu_memcpy}).
 * {@code copyKind} uses {@link MemcpyKind} ids (nsys {@code ENUM_CUDA_MEMCPY_OPER}); {@code srcKind} and
 * {@code dstKind} use {@link MemoryKind} ids (nsys {@code ENUM_CUDA_MEM_KIND}); {@code -1} when unknown.
 */
public final class MemcpyTable extends GpuActivityTable {
    private final long[] bytes;
    private final byte[] copyKind;
    private final byte[] srcKind;
    private final byte[] dstKind;

    private MemcpyTable(Builder b) {
        super(b);
        bytes = Columns.fit(b.bytes, b.size);
        copyKind = Columns.fit(b.copyKind, b.size);
        srcKind = Columns.fit(b.srcKind, b.size);
        dstKind = Columns.fit(b.dstKind, b.size);
    }

    public static MemcpyTable empty(boolean present) {
        return new Builder(present, 0).build();
    }

    /** @return bytes copied. */
    public long bytes(int i) { return bytes[i]; }
    /** @return {@link MemcpyKind} id. */
    public int copyKind(int i) { return copyKind[i]; }
    /** @return source {@link MemoryKind} id, -1 unknown. */
    public int srcKind(int i) { return srcKind[i]; }
    /** @return destination {@link MemoryKind} id, -1 unknown. */
    public int dstKind(int i) { return dstKind[i]; }

    /** Feeds every row, in table order, to {@code sink}. */
    public void replay(RowSinks.MemcpySink sink) {
        for (int i = 0; i < size; i++) {
            sink.memcpy(startNs[i], endNs[i], deviceId[i], contextId[i], streamId[i], correlationId[i], globalPid[i],
                    bytes[i], copyKind[i], srcKind[i], dstKind[i]);
        }
    }

    public static final class Builder extends GpuActivityBuilder implements RowSinks.MemcpySink {
        private long[] bytes;
        private byte[] copyKind;
        private byte[] srcKind;
        private byte[] dstKind;

        public Builder(boolean present, int expectedRows) {
            super(present, expectedRows);
            bytes = new long[capacity];
            copyKind = new byte[capacity];
            srcKind = new byte[capacity];
            dstKind = new byte[capacity];
        }

        @Override
        protected void growExtra(int c) {
            bytes = Columns.longs(bytes, c);
            copyKind = Columns.bytes(copyKind, c);
            srcKind = Columns.bytes(srcKind, c);
            dstKind = Columns.bytes(dstKind, c);
        }

        @Override
        public int memcpy(long start, long end, int device, int context, int stream, int corr, long globalPid,
                          long bytes, int copyKind, int srcKind, int dstKind) {
            return add(start, end, device, context, stream, corr, globalPid, bytes, copyKind, srcKind, dstKind);
        }

        public int add(long start, long end, int device, int context, int stream, int corr, long globalPid,
                       long bytes, int copyKind, int srcKind, int dstKind) {
            int i = addBase(start, end, device, context, stream, corr, globalPid);
            this.bytes[i] = bytes;
            this.copyKind[i] = (byte) copyKind;
            this.srcKind[i] = (byte) srcKind;
            this.dstKind[i] = (byte) dstKind;
            return i;
        }

        public MemcpyTable build() {
            return new MemcpyTable(this);
        }
    }
}
