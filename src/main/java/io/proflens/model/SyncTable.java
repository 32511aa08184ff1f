package io.proflens.model;

/**
 * CUDA synchronization waits seen by CUPTI (nsys {@code CUPTI_ACTIVITY_KIND_SYNCHRONIZATION}, Kineto
 * {@code cuda_sync}). {@code syncType}: 0 unknown, 1 event sync, 2 stream wait event, 3 stream sync,
 * 4 context sync (nsys {@code ENUM_CUPTI_SYNC_TYPE}).
 */
public final class SyncTable extends GpuActivityTable {
    private final byte[] syncType;

    private SyncTable(Builder b) {
        super(b);
        syncType = Columns.fit(b.syncType, b.size);
    }

    public static SyncTable empty(boolean present) {
        return new Builder(present, 0).build();
    }

    /** @return sync type id (see class doc). */
    public int syncType(int i) { return syncType[i]; }

    /** Label of a sync type id, as in nsys {@code ENUM_CUPTI_SYNC_TYPE}. */
    public static String syncTypeLabel(int id) {
        switch (id) {
            case 1: return "Event sync";
            case 2: return "Stream wait sync";
            case 3: return "Stream sync";
            case 4: return "Context sync";
            default: return "Unknown";
        }
    }

    public static final class Builder extends GpuActivityBuilder {
        private byte[] syncType;

        public Builder(boolean present, int expectedRows) {
            super(present, expectedRows);
            syncType = new byte[capacity];
        }

        @Override
        protected void growExtra(int c) {
            syncType = Columns.bytes(syncType, c);
        }

        public int add(long start, long end, int device, int context, int stream, int corr, long globalPid,
                       int syncType) {
            int i = addBase(start, end, device, context, stream, corr, globalPid);
            this.syncType[i] = (byte) syncType;
            return i;
        }

        public SyncTable build() {
            return new SyncTable(this);
        }
    }
}
