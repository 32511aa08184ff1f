package io.proflens.model;

/**
 * Host-side API calls on CPU threads: CUDA runtime and driver calls (nsys {@code CUPTI_ACTIVITY_KIND_RUNTIME},
 * Kineto {@code cuda_runtime}/{@code cuda_driver}) and OS runtime calls (nsys {@code OSRT_API}).
 *
 * <p>{@code eventClass} keeps the nsys {@code ENUM_NSYS_EVENT_CLASS} id: 0 CUDA runtime, 1 CUDA driver,
 * 27 OS runtime, 31/32 OSRT start/finish markers. {@code correlationId} is 0 where the source has none.
 * {@code nestingLevel} is the OSRT nesting level (0 for CUDA calls).
 */
public final class ApiCallTable extends IntervalTable {
    /** nsys eventClass of a CUDA runtime call. */
    public static final int CLASS_CUDA_RUNTIME = 0;
    /** nsys eventClass of a CUDA driver call. */
    public static final int CLASS_CUDA_DRIVER = 1;
    /** nsys eventClass of an OS runtime call ({@code TRACE_PROCESS_EVENT_OS_RUNTIME}). */
    public static final int CLASS_OS_RUNTIME = 27;

    private final long[] globalTid;
    private final int[] correlationId;
    private final int[] nameId;
    private final byte[] eventClass;
    private final int[] returnValue;
    private final byte[] nestingLevel;

    private ApiCallTable(Builder b) {
        super(b.present, b.size, Columns.fit(b.startNs, b.size), Columns.fit(b.endNs, b.size));
        int n = b.size;
        globalTid = Columns.fit(b.globalTid, n);
        correlationId = Columns.fit(b.correlationId, n);
        nameId = Columns.fit(b.nameId, n);
        eventClass = Columns.fit(b.eventClass, n);
        returnValue = Columns.fit(b.returnValue, n);
        nestingLevel = Columns.fit(b.nestingLevel, n);
    }

    public static ApiCallTable empty(boolean present) {
        return new Builder(present, 0).build();
    }

    public long globalTid(int i) { return globalTid[i]; }
    public int correlationId(int i) { return correlationId[i]; }
    /** @return {@link StringTable} id of the function name as recorded (nsys: with its {@code _vNNNN} suffix). */
    public int nameId(int i) { return nameId[i]; }
    public int eventClass(int i) { return eventClass[i] & 0xFF; }
    public int returnValue(int i) { return returnValue[i]; }
    public int nestingLevel(int i) { return nestingLevel[i]; }

    /** Feeds every row, in table order, to {@code sink}. */
    public void replay(RowSinks.ApiCallSink sink) {
        for (int i = 0; i < size; i++) {
            sink.call(startNs[i], endNs[i], globalTid[i], correlationId[i], nameId[i], eventClass[i] & 0xFF,
                    returnValue[i], nestingLevel[i]);
        }
    }

    public static final class Builder implements RowSinks.ApiCallSink {
        private final boolean present;
        private int size;
        private int capacity;
        private long[] startNs;
        private long[] endNs;
        private long[] globalTid;
        private int[] correlationId;
        private int[] nameId;
        private byte[] eventClass;
        private int[] returnValue;
        private byte[] nestingLevel;

        public Builder(boolean present, int expectedRows) {
            this.present = present;
            capacity = Math.max(0, expectedRows);
            startNs = new long[capacity];
            endNs = new long[capacity];
            globalTid = new long[capacity];
            correlationId = new int[capacity];
            nameId = new int[capacity];
            eventClass = new byte[capacity];
            returnValue = new int[capacity];
            nestingLevel = new byte[capacity];
        }

        @Override
        public int call(long start, long end, long globalTid, int correlationId, int nameId, int eventClass,
                        int returnValue, int nestingLevel) {
            return add(start, end, globalTid, correlationId, nameId, eventClass, returnValue, nestingLevel);
        }

        public int add(long start, long end, long globalTid, int correlationId, int nameId, int eventClass,
                       int returnValue, int nestingLevel) {
            if (size == capacity) {
                int c = Columns.grow(capacity, size + 1);
                startNs = Columns.longs(startNs, c);
                endNs = Columns.longs(endNs, c);
                this.globalTid = Columns.longs(this.globalTid, c);
                this.correlationId = Columns.ints(this.correlationId, c);
                this.nameId = Columns.ints(this.nameId, c);
                this.eventClass = Columns.bytes(this.eventClass, c);
                this.returnValue = Columns.ints(this.returnValue, c);
                this.nestingLevel = Columns.bytes(this.nestingLevel, c);
                capacity = c;
            }
            int i = size++;
            startNs[i] = start;
            endNs[i] = end;
            this.globalTid[i] = globalTid;
            this.correlationId[i] = correlationId;
            this.nameId[i] = nameId;
            this.eventClass[i] = (byte) eventClass;
            this.returnValue[i] = returnValue;
            this.nestingLevel[i] = (byte) Math.max(0, Math.min(127, nestingLevel));
            return i;
        }

        public int size() {
            return size;
        }

        public ApiCallTable build() {
            return new ApiCallTable(this);
        }
    }
}
