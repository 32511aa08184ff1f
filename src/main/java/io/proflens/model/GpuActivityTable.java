package io.proflens.model;

/**
 * GPU-side activity rows that share device, context, stream, correlation id and process
 * (memcpy, memset, synchronization). Kernels have their own wider {@link KernelTable}.
 */
public abstract class GpuActivityTable extends IntervalTable {
    protected final int[] deviceId;
    protected final int[] contextId;
    protected final int[] streamId;
    protected final int[] correlationId;
    protected final long[] globalPid;

    protected GpuActivityTable(GpuActivityBuilder b) {
        super(b.present, b.size, Columns.fit(b.startNs, b.size), Columns.fit(b.endNs, b.size));
        int n = b.size;
        deviceId = Columns.fit(b.deviceId, n);
        contextId = Columns.fit(b.contextId, n);
        streamId = Columns.fit(b.streamId, n);
        correlationId = Columns.fit(b.correlationId, n);
        globalPid = Columns.fit(b.globalPid, n);
    }

    public final int deviceId(int i) { return deviceId[i]; }
    public final int contextId(int i) { return contextId[i]; }
    public final int streamId(int i) { return streamId[i]; }
    /** @return CUPTI correlation id (unique per process) of the API call that issued this row. */
    public final int correlationId(int i) { return correlationId[i]; }
    public final long globalPid(int i) { return globalPid[i]; }

    /** Shared builder part; subclasses add their own columns in {@link #growExtra(int)}. */
    public abstract static class GpuActivityBuilder {
        final boolean present;
        int size;
        int capacity;
        long[] startNs;
        long[] endNs;
        int[] deviceId;
        int[] contextId;
        int[] streamId;
        int[] correlationId;
        long[] globalPid;

        protected GpuActivityBuilder(boolean present, int expectedRows) {
            this.present = present;
            capacity = Math.max(0, expectedRows);
            startNs = new long[capacity];
            endNs = new long[capacity];
            deviceId = new int[capacity];
            contextId = new int[capacity];
            streamId = new int[capacity];
            correlationId = new int[capacity];
            globalPid = new long[capacity];
        }

        protected abstract void growExtra(int newCapacity);

        protected final int addBase(long start, long end, int device, int context, int stream, int corr, long pid) {
            if (size == capacity) {
                int c = Columns.grow(capacity, size + 1);
                startNs = Columns.longs(startNs, c);
                endNs = Columns.longs(endNs, c);
                deviceId = Columns.ints(deviceId, c);
                contextId = Columns.ints(contextId, c);
                streamId = Columns.ints(streamId, c);
                correlationId = Columns.ints(correlationId, c);
                globalPid = Columns.longs(globalPid, c);
                growExtra(c);
                capacity = c;
            }
            int i = size++;
            startNs[i] = start;
            endNs[i] = end;
            deviceId[i] = device;
            contextId[i] = context;
            streamId[i] = stream;
            correlationId[i] = corr;
            globalPid[i] = pid;
            return i;
        }

        public final int size() {
            return size;
        }
    }
}
