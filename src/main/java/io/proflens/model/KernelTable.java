package io.proflens.model;

/**
 * GPU kernel executions (nsys {@code CUPTI_ACTIVITY_KIND_KERNEL}, Kineto {@code kernel}).
 *
 * <p>Names are {@link StringTable} ids: demangled (nsys default), short ({@code :base}) and mangled
 * ({@code :mangled}, {@link StringTable#NONE} when the export has no such column). The launch
 * configuration columns (grid, block, registers, shared memory) may be left out at import for speed
 * ({@link #hasLaunchConfig()}); accessors then throw {@link IllegalStateException}. Optional Kineto
 * fields ({@code est. achieved occupancy %}, {@code blocks per SM}) are NaN when unknown.
 */
public final class KernelTable extends IntervalTable {
    private final int[] deviceId;
    private final int[] contextId;
    private final int[] streamId;
    private final int[] correlationId;
    private final long[] globalPid;
    private final int[] demangledNameId;
    private final int[] shortNameId;
    private final int[] mangledNameId;
    private final int[] grid;        // 3 per row, null when launch config not loaded
    private final int[] block;       // 3 per row
    private final int[] registersPerThread;
    private final int[] staticSharedMemoryBytes;
    private final int[] dynamicSharedMemoryBytes;
    private final double[] achievedOccupancyPct; // null when no row has it
    private final double[] blocksPerSm;          // null when no row has it

    private KernelTable(Builder b) {
        super(b.present, b.size, Columns.fit(b.startNs, b.size), Columns.fit(b.endNs, b.size));
        int n = b.size;
        deviceId = Columns.fit(b.deviceId, n);
        contextId = Columns.fit(b.contextId, n);
        streamId = Columns.fit(b.streamId, n);
        correlationId = Columns.fit(b.correlationId, n);
        globalPid = Columns.fit(b.globalPid, n);
        demangledNameId = Columns.fit(b.demangledNameId, n);
        shortNameId = Columns.fit(b.shortNameId, n);
        mangledNameId = Columns.fit(b.mangledNameId, n);
        grid = Columns.fit(b.grid, 3 * n);
        block = Columns.fit(b.block, 3 * n);
        registersPerThread = Columns.fit(b.registersPerThread, n);
        staticSharedMemoryBytes = Columns.fit(b.staticSharedMemoryBytes, n);
        dynamicSharedMemoryBytes = Columns.fit(b.dynamicSharedMemoryBytes, n);
        achievedOccupancyPct = b.achievedOccupancyPct == null ? null : java.util.Arrays.copyOf(b.achievedOccupancyPct, n);
        blocksPerSm = b.blocksPerSm == null ? null : java.util.Arrays.copyOf(b.blocksPerSm, n);
    }

    /**
     * @return the profiler's estimated achieved occupancy of row {@code i} in percent (Kineto
     *         {@code "est. achieved occupancy %"}), NaN when unknown
     */
    public double achievedOccupancyPct(int i) {
        return achievedOccupancyPct == null ? Double.NaN : achievedOccupancyPct[i];
    }

    /** @return Kineto's {@code "blocks per SM"} of row {@code i}, NaN when unknown. */
    public double blocksPerSm(int i) {
        return blocksPerSm == null ? Double.NaN : blocksPerSm[i];
    }

    /** @return an empty table; {@code present} as given. */
    public static KernelTable empty(boolean present) {
        return new Builder(present, true, 0).build();
    }

    public int deviceId(int i) { return deviceId[i]; }
    public int contextId(int i) { return contextId[i]; }
    public int streamId(int i) { return streamId[i]; }
    /** @return the CUPTI correlation id linking this kernel to its launch API call (unique per process). */
    public int correlationId(int i) { return correlationId[i]; }
    public long globalPid(int i) { return globalPid[i]; }
    public int demangledNameId(int i) { return demangledNameId[i]; }
    public int shortNameId(int i) { return shortNameId[i]; }
    /** @return mangled name id, or {@link StringTable#NONE} when absent. */
    public int mangledNameId(int i) { return mangledNameId[i]; }

    /** @return whether grid/block/registers/shared memory were loaded. */
    public boolean hasLaunchConfig() { return grid != null; }

    private void requireLaunchConfig() {
        if (grid == null) {
            throw new IllegalStateException("kernel launch configuration was not imported");
        }
    }

    public int gridX(int i) { requireLaunchConfig(); return grid[3 * i]; }
    public int gridY(int i) { requireLaunchConfig(); return grid[3 * i + 1]; }
    public int gridZ(int i) { requireLaunchConfig(); return grid[3 * i + 2]; }
    public int blockX(int i) { requireLaunchConfig(); return block[3 * i]; }
    public int blockY(int i) { requireLaunchConfig(); return block[3 * i + 1]; }
    public int blockZ(int i) { requireLaunchConfig(); return block[3 * i + 2]; }
    public int registersPerThread(int i) { requireLaunchConfig(); return registersPerThread[i]; }
    public int staticSharedMemoryBytes(int i) { requireLaunchConfig(); return staticSharedMemoryBytes[i]; }
    public int dynamicSharedMemoryBytes(int i) { requireLaunchConfig(); return dynamicSharedMemoryBytes[i]; }

    /** Feeds every row, in table order, to {@code sink} (the streaming path's input, from stored rows). */
    public void replay(RowSinks.KernelSink sink) {
        for (int i = 0; i < size; i++) {
            sink.kernel(startNs[i], endNs[i], deviceId[i], contextId[i], streamId[i], correlationId[i], globalPid[i],
                    demangledNameId[i], shortNameId[i], mangledNameId[i]);
        }
    }

    /** Appends rows; presize with the expected row count to avoid growth copies. */
    public static final class Builder implements RowSinks.KernelSink {
        private final boolean present;
        private int size;
        private int capacity;
        private long[] startNs;
        private long[] endNs;
        private int[] deviceId;
        private int[] contextId;
        private int[] streamId;
        private int[] correlationId;
        private long[] globalPid;
        private int[] demangledNameId;
        private int[] shortNameId;
        private int[] mangledNameId;
        private int[] grid;
        private int[] block;
        private int[] registersPerThread;
        private int[] staticSharedMemoryBytes;
        private int[] dynamicSharedMemoryBytes;
        private double[] achievedOccupancyPct;
        private double[] blocksPerSm;

        /**
         * @param present whether the source has this table
         * @param launchConfig whether grid/block/registers/shared-memory columns are kept
         * @param expectedRows initial capacity
         */
        public Builder(boolean present, boolean launchConfig, int expectedRows) {
            this.present = present;
            this.capacity = Math.max(0, expectedRows);
            int n = capacity;
            startNs = new long[n];
            endNs = new long[n];
            deviceId = new int[n];
            contextId = new int[n];
            streamId = new int[n];
            correlationId = new int[n];
            globalPid = new long[n];
            demangledNameId = new int[n];
            shortNameId = new int[n];
            mangledNameId = new int[n];
            if (launchConfig) {
                grid = new int[3 * n];
                block = new int[3 * n];
                registersPerThread = new int[n];
                staticSharedMemoryBytes = new int[n];
                dynamicSharedMemoryBytes = new int[n];
            }
        }

        private void ensure(int needed) {
            if (needed <= capacity) {
                return;
            }
            int c = Columns.grow(capacity, needed);
            startNs = Columns.longs(startNs, c);
            endNs = Columns.longs(endNs, c);
            deviceId = Columns.ints(deviceId, c);
            contextId = Columns.ints(contextId, c);
            streamId = Columns.ints(streamId, c);
            correlationId = Columns.ints(correlationId, c);
            globalPid = Columns.longs(globalPid, c);
            demangledNameId = Columns.ints(demangledNameId, c);
            shortNameId = Columns.ints(shortNameId, c);
            mangledNameId = Columns.ints(mangledNameId, c);
            grid = Columns.ints(grid, 3 * c);
            block = Columns.ints(block, 3 * c);
            registersPerThread = Columns.ints(registersPerThread, c);
            staticSharedMemoryBytes = Columns.ints(staticSharedMemoryBytes, c);
            dynamicSharedMemoryBytes = Columns.ints(dynamicSharedMemoryBytes, c);
            capacity = c;
        }

        /**
         * Sets the Kineto occupancy fields of row {@code i} (NaN = unknown); the columns exist only once a
         * row sets them.
         */
        public void occupancy(int i, double achievedOccupancyPct, double blocksPerSm) {
            if (this.achievedOccupancyPct == null) {
                this.achievedOccupancyPct = new double[Math.max(capacity, i + 1)];
                java.util.Arrays.fill(this.achievedOccupancyPct, Double.NaN);
                this.blocksPerSm = new double[Math.max(capacity, i + 1)];
                java.util.Arrays.fill(this.blocksPerSm, Double.NaN);
            }
            if (i >= this.achievedOccupancyPct.length) {
                int old = this.achievedOccupancyPct.length;
                int c = Math.max(capacity, i + 1);
                this.achievedOccupancyPct = java.util.Arrays.copyOf(this.achievedOccupancyPct, c);
                this.blocksPerSm = java.util.Arrays.copyOf(this.blocksPerSm, c);
                java.util.Arrays.fill(this.achievedOccupancyPct, old, c, Double.NaN);
                java.util.Arrays.fill(this.blocksPerSm, old, c, Double.NaN);
            }
            this.achievedOccupancyPct[i] = achievedOccupancyPct;
            this.blocksPerSm[i] = blocksPerSm;
        }

        /** @return whether launch configuration columns are kept. */
        public boolean keepsLaunchConfig() {
            return grid != null;
        }

        @Override
        public int kernel(long startNs, long endNs, int deviceId, int contextId, int streamId, int correlationId,
                          long globalPid, int demangledNameId, int shortNameId, int mangledNameId) {
            return add(startNs, endNs, deviceId, contextId, streamId, correlationId, globalPid, demangledNameId,
                    shortNameId, mangledNameId);
        }

        /** Appends a row with the core columns; returns its index for {@link #launchConfig}. */
        public int add(long startNs, long endNs, int deviceId, int contextId, int streamId, int correlationId,
                       long globalPid, int demangledNameId, int shortNameId, int mangledNameId) {
            ensure(size + 1);
            int i = size++;
            this.startNs[i] = startNs;
            this.endNs[i] = endNs;
            this.deviceId[i] = deviceId;
            this.contextId[i] = contextId;
            this.streamId[i] = streamId;
            this.correlationId[i] = correlationId;
            this.globalPid[i] = globalPid;
            this.demangledNameId[i] = demangledNameId;
            this.shortNameId[i] = shortNameId;
            this.mangledNameId[i] = mangledNameId;
            return i;
        }

        /** Sets the launch configuration of row {@code i}; ignored when not kept. */
        public void launchConfig(int i, int gx, int gy, int gz, int bx, int by, int bz, int registers,
                                 int staticSmemBytes, int dynamicSmemBytes) {
            if (grid == null) {
                return;
            }
            grid[3 * i] = gx;
            grid[3 * i + 1] = gy;
            grid[3 * i + 2] = gz;
            block[3 * i] = bx;
            block[3 * i + 1] = by;
            block[3 * i + 2] = bz;
            registersPerThread[i] = registers;
            staticSharedMemoryBytes[i] = staticSmemBytes;
            dynamicSharedMemoryBytes[i] = dynamicSmemBytes;
        }

        public int size() {
            return size;
        }

        public KernelTable build() {
            return new KernelTable(this);
        }
    }
}
