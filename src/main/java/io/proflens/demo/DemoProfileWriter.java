package io.proflens.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes a built-in, SYNTHETIC Nsight Systems profile: an SQLite file in the nsys 2024.6.2 export schema
 * (3.16.1) holding a made-up DeepSeek-V3-like MoE LLM decode run, so that proflens can be tried without a
 * GPU or a real capture.
 *
 * <p><b>Shape.</b> One process ({@code PROCESSES.name} says "(synthetic)") with a main thread and a ZMQ I/O
 * thread, one H100 (device 0, context 1). Per decode step: an NVTX push/pop range {@code decode_step}
 * enclosing {@code prepare_inputs}, {@code embed_tokens}, one {@code layer_<i>} range per dense and MoE
 * layer ({@code i} from 0), one {@code mtp_layer_<i>} per MTP layer (numbering continues), {@code lm_head}
 * and {@code sample}; each layer range encloses operator ranges ({@code input_layernorm}, {@code q_a_kv_a_proj},
 * {@code q_b_proj}, {@code attention}, {@code o_proj}, {@code post_attention_layernorm}, then {@code mlp} for
 * dense layers or {@code gate_topk}, {@code shared_expert}, {@code dispatch}, {@code experts},
 * {@code combine} for MoE layers). Every kernel, memcpy and memset has its CUDA runtime call on the main
 * thread with a unique {@code correlationId}; compute runs on stream 7, DeepEP dispatch/combine on stream
 * 13. Each step copies 4096 B of token ids host-to-device, clears 64 KiB, copies 512 B of sampled ids back
 * and ends in {@code cudaStreamSynchronize} (with its {@code CUPTI_ACTIVITY_KIND_SYNCHRONIZATION} row).
 * An NVTX mark "proflens demo: SYNTHETIC profile" opens the trace, and {@code META_DATA_EXPORT} carries
 * {@code PROFLENS_SYNTHETIC = true} and {@code PROFLENS_DEMO_SPEC}. Tables written: {@code StringIds},
 * {@code META_DATA_EXPORT}, {@code TARGET_INFO_SESSION_START_TIME}, {@code ANALYSIS_DETAILS},
 * {@code TARGET_INFO_GPU}, {@code PROCESSES}, {@code ThreadNames}, {@code ENUM_CUDA_MEMCPY_OPER},
 * {@code ENUM_CUDA_MEM_KIND}, the five {@code CUPTI_ACTIVITY_KIND_*} tables for kernels, runtime, memcpy,
 * memset and synchronization, {@code NVTX_EVENTS} and {@code OSRT_API}; column names, order and types are
 * those nsys writes.
 *
 * <p><b>Units.</b> All timestamps and durations are integer ns on the session clock; the first event is
 * at 1,000,000,000 ns. Sizes are bytes.
 *
 * <p><b>Determinism.</b> The content of every table depends only on the {@link DemoSpec}: jitter comes from
 * a {@link java.util.SplittableRandom} seeded with {@link DemoSpec#seed()}, and no wall-clock time, host
 * name or output path is recorded ({@code EXPORT_TIME_UTC} and the session start are fixed).
 *
 * <p>Stateless; safe to call from several threads for different output paths.
 */
public final class DemoProfileWriter {
    /** {@code EXPORT_PRODUCT_NAME}: says plainly that the data are made up. */
    public static final String PRODUCT_NAME = "proflens demo generator (SYNTHETIC data)";
    /** {@code EXPORT_PRODUCT_VERSION}: the nsys release whose schema and stats formatting the file follows. */
    public static final String PRODUCT_VERSION = "2024.6.2.25";
    /** {@code EXPORT_SCHEMA_VERSION}. */
    public static final String SCHEMA_VERSION = "3.16.1";
    /** {@code META_DATA_EXPORT} name whose value is {@code "true"} in every demo file. */
    public static final String SYNTHETIC_FLAG = "PROFLENS_SYNTHETIC";
    /** {@code META_DATA_EXPORT} name holding {@link DemoSpec#describe()}. */
    public static final String SPEC_KEY = "PROFLENS_DEMO_SPEC";

    /** Session start: 2025-01-01T00:00:00Z, fixed so that the output never depends on when it was made. */
    private static final long SESSION_START_UTC_NS = 1_735_689_600_000_000_000L;
    private static final String SESSION_START_TEXT = "2025-01-01T00:00:00";
    private static final String EXPORT_TIME_TEXT = "2025-01-01T00:00:05";

    private DemoProfileWriter() {
    }

    /**
     * Writes the demo profile for {@code spec} to {@code out}, replacing an existing file.
     *
     * <p>The file is built as a temporary file in the directory of {@code out} and then moved over
     * {@code out} atomically, so a reader never sees a half-written profile and a failure leaves any
     * previous file untouched.
     *
     * @param out  destination SQLite file; its parent directory must exist
     * @param spec shape of the run
     * @throws IOException          if the temporary file cannot be created, filled (an {@link SQLException} is
     *                              wrapped, with a one-line message naming the file) or moved, e.g. because the
     *                              file system cannot move atomically
     * @throws NullPointerException if an argument is null
     */
    public static void write(Path out, DemoSpec spec) throws IOException {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(spec, "spec");
        Path target = out.toAbsolutePath();
        Path dir = target.getParent();
        if (dir == null) {
            // Without a parent, createTempFile would fall back to java.io.tmpdir and the move could not be atomic.
            throw new IOException("cannot write demo profile " + target + ": not a file path");
        }
        // A fixed prefix: the user's file name could contain '?', which the JDBC URL would parse as options.
        Path tmp = Files.createTempFile(dir, ".proflens-demo-", ".sqlite.tmp");
        boolean moved = false;
        try {
            fill(tmp, spec);
            makeWorldReadable(tmp);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            moved = true;
        } catch (SQLException e) {
            throw new IOException("cannot write demo profile " + target + ": " + firstLine(e.getMessage()), e);
        } finally {
            if (!moved) {
                deleteQuietly(tmp);
            }
        }
    }

    /**
     * Manual testing only: writes {@link DemoSpec#defaults()} to the path given as the single argument.
     *
     * @param args {@code [output.sqlite]}
     * @throws IOException              if writing fails
     * @throws IllegalArgumentException if not exactly one argument is given
     */
    public static void main(String[] args) throws IOException {
        // No System.exit or console output here: the CLI layer owns exit codes and messages.
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: DemoProfileWriter OUTPUT.sqlite");
        }
        write(Path.of(args[0]), DemoSpec.defaults());
    }

    private static void fill(Path file, DemoSpec spec) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            try (Statement s = c.createStatement()) {
                // A throw-away file that is moved into place only when complete needs no journal and no fsync.
                s.execute("PRAGMA journal_mode=OFF");
                s.execute("PRAGMA synchronous=OFF");
            }
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                for (String ddl : NsysExportSchema.CREATE_STATEMENTS) {
                    s.execute(ddl);
                }
            }
            DemoTimeline timeline = new DemoTimeline(spec);
            DemoTimeline.Span span;
            try (EventInserter events = new EventInserter(c, timeline)) {
                span = timeline.run(events::insert);
            }
            writeDescriptiveTables(c, spec, timeline, span);
            c.commit();
        }
    }

    private static void writeDescriptiveTables(Connection c, DemoSpec spec, DemoTimeline timeline,
            DemoTimeline.Span span) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO StringIds VALUES (?, ?)")) {
            for (Map.Entry<String, Integer> e : timeline.strings().entrySet()) {
                ps.setInt(1, e.getValue());
                ps.setString(2, e.getKey());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO META_DATA_EXPORT VALUES (?, ?)")) {
            String[][] meta = {
                {"EXPORT_PRODUCT_NAME", PRODUCT_NAME},
                {"EXPORT_PRODUCT_VERSION", PRODUCT_VERSION},
                {"EXPORT_PRODUCT_DATE", "2024.6"},
                {"EXPORT_SCHEMA_VERSION", SCHEMA_VERSION},
                {"EXPORT_SCHEMA_VERSION_MAJOR", "3"},
                {"EXPORT_SCHEMA_VERSION_MINOR", "16"},
                {"EXPORT_SCHEMA_VERSION_MICRO", "1"},
                {"EXPORT_PLATFORM", "linux-desktop"},
                {"EXPORT_ARCH", "x64"},
                {"EXPORT_TIME_UTC", EXPORT_TIME_TEXT},
                {"EXPORT_TIME_LOCAL", EXPORT_TIME_TEXT + " +0000 UTC"},
                {"EXPORT_HOST", "proflens-demo (synthetic)"},
                {"EXPORT_PARAM_TIME_NORMALIZE", "false"},
                {"EXPORT_PARAM_TIME_SHIFT", "0"},
                {"EXPORT_CONFIG_TIME_SHIFT", "0"},
                {SYNTHETIC_FLAG, "true"},
                {SPEC_KEY, spec.describe()},
            };
            for (String[] row : meta) {
                ps.setString(1, row[0]);
                ps.setString(2, row[1]);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO TARGET_INFO_SESSION_START_TIME VALUES (?, ?, ?)")) {
            ps.setLong(1, SESSION_START_UTC_NS);
            ps.setString(2, SESSION_START_TEXT);
            ps.setString(3, SESSION_START_TEXT);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO ANALYSIS_DETAILS VALUES (?, ?, ?, ?)")) {
            ps.setLong(1, DemoTimeline.GLOBAL_VID);
            ps.setLong(2, span.endNs() - span.startNs());
            ps.setLong(3, span.startNs());
            ps.setLong(4, span.endNs());
            ps.executeUpdate();
        }
        List<Object> gpu = NsysExportSchema.GPU_ROW;
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO TARGET_INFO_GPU VALUES (" + placeholders(gpu.size()) + ")")) {
            for (int i = 0; i < gpu.size(); i++) {
                ps.setObject(i + 1, gpu.get(i));
            }
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO PROCESSES VALUES (?, ?, ?)")) {
            ps.setLong(1, DemoTimeline.GLOBAL_PID);
            ps.setInt(2, DemoTimeline.PID);
            ps.setString(3, DemoTimeline.PROCESS_NAME);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO ThreadNames VALUES (?, ?, ?)")) {
            threadName(ps, timeline.stringId(DemoTimeline.MAIN_THREAD_NAME), DemoTimeline.MAIN_GLOBAL_TID);
            threadName(ps, timeline.stringId(DemoTimeline.IO_THREAD_NAME), DemoTimeline.IO_GLOBAL_TID);
            ps.executeBatch();
        }
        insertEnum(c, "ENUM_CUDA_MEMCPY_OPER", NsysExportSchema.MEMCPY_OPER);
        insertEnum(c, "ENUM_CUDA_MEM_KIND", NsysExportSchema.MEM_KIND);
    }

    private static void threadName(PreparedStatement ps, int nameId, long globalTid) throws SQLException {
        ps.setInt(1, nameId);
        ps.setInt(2, 20); // default nice-0 priority, as nsys reports for ordinary threads
        ps.setLong(3, globalTid);
        ps.addBatch();
    }

    private static void insertEnum(Connection c, String table, List<NsysExportSchema.EnumRow> rows)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " VALUES (?, ?, ?)")) {
            for (NsysExportSchema.EnumRow row : rows) {
                ps.setInt(1, row.id());
                ps.setString(2, row.name());
                ps.setString(3, row.label());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static String placeholders(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
    }

    private static void makeWorldReadable(Path file) {
        // createTempFile makes the file owner-only; a demo profile is meant to be shared like any export.
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException | IOException e) {
            // Non-POSIX file system: keep its default permissions.
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // The original failure is what the caller needs to see; a stray ".tmp" file is harmless.
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown SQLite error";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message.strip() : message.substring(0, nl).strip();
    }

    /** Batched prepared INSERTs for the event tables, one {@code executeBatch} per step. */
    private static final class EventInserter implements AutoCloseable {
        private final PreparedStatement runtime;
        private final PreparedStatement kernel;
        private final PreparedStatement memcpy;
        private final PreparedStatement memset;
        private final PreparedStatement sync;
        private final PreparedStatement nvtx;
        private final PreparedStatement osrt;
        private final List<PreparedStatement> all;
        private final DemoTimeline timeline;

        EventInserter(Connection c, DemoTimeline timeline) throws SQLException {
            this.timeline = timeline;
            runtime = c.prepareStatement("INSERT INTO CUPTI_ACTIVITY_KIND_RUNTIME VALUES (" + placeholders(8) + ")");
            kernel = c.prepareStatement("INSERT INTO CUPTI_ACTIVITY_KIND_KERNEL VALUES (" + placeholders(28) + ")");
            memcpy = c.prepareStatement("INSERT INTO CUPTI_ACTIVITY_KIND_MEMCPY VALUES (" + placeholders(20) + ")");
            memset = c.prepareStatement("INSERT INTO CUPTI_ACTIVITY_KIND_MEMSET VALUES (" + placeholders(12) + ")");
            sync = c.prepareStatement(
                    "INSERT INTO CUPTI_ACTIVITY_KIND_SYNCHRONIZATION VALUES (" + placeholders(10) + ")");
            nvtx = c.prepareStatement("INSERT INTO NVTX_EVENTS VALUES (" + placeholders(20) + ")");
            osrt = c.prepareStatement("INSERT INTO OSRT_API VALUES (" + placeholders(8) + ")");
            all = List.of(runtime, kernel, memcpy, memset, sync, nvtx, osrt);
        }

        void insert(DemoTimeline.StepRows rows) throws SQLException {
            for (DemoTimeline.RuntimeRow r : rows.runtime) {
                runtime.setLong(1, r.start());
                runtime.setLong(2, r.end());
                runtime.setInt(3, r.eventClass());
                runtime.setLong(4, r.globalTid());
                runtime.setLong(5, r.correlationId());
                runtime.setInt(6, r.nameId());
                runtime.setInt(7, 0);                // returnValue: cudaSuccess
                runtime.setNull(8, Types.INTEGER);   // callchainId: no backtraces collected
                runtime.addBatch();
            }
            for (DemoTimeline.KernelRow k : rows.kernels) {
                insertKernel(k);
            }
            for (DemoTimeline.MemcpyRow m : rows.memcpy) {
                int i = gpuPrefix(memcpy, m.start(), m.end(), m.streamId(), m.correlationId());
                memcpy.setLong(i++, m.bytes());
                memcpy.setInt(i++, m.copyKind());
                memcpy.setNull(i++, Types.INTEGER);  // deprecatedSrcId
                memcpy.setInt(i++, m.srcKind());
                memcpy.setInt(i++, m.dstKind());
                for (int n = 0; n < 7; n++) {       // src/dst device and context, migrationCause, graphNodeId,
                    memcpy.setNull(i++, Types.INTEGER); // virtualAddress: all NULL for a plain async copy
                }
                memcpy.addBatch();
            }
            for (DemoTimeline.MemsetRow m : rows.memset) {
                int i = gpuPrefix(memset, m.start(), m.end(), m.streamId(), m.correlationId());
                memset.setInt(i++, m.value());
                memset.setLong(i++, m.bytes());
                memset.setNull(i++, Types.INTEGER);  // graphNodeId
                memset.setInt(i, m.memKind());
                memset.addBatch();
            }
            for (DemoTimeline.SyncRow s : rows.sync) {
                sync.setLong(1, s.start());
                sync.setLong(2, s.end());
                sync.setInt(3, DemoTimeline.DEVICE_ID);
                sync.setInt(4, DemoTimeline.CONTEXT_ID);
                sync.setNull(5, Types.INTEGER);      // greenContextId: NULL on sync rows in the real 2024.6.2 export
                sync.setInt(6, s.streamId());
                sync.setLong(7, s.correlationId());
                sync.setLong(8, DemoTimeline.GLOBAL_PID);
                sync.setInt(9, s.syncType());
                sync.setLong(10, DemoTimeline.SYNC_EVENT_ID_NONE);
                sync.addBatch();
            }
            for (DemoTimeline.NvtxRow n : rows.nvtx) {
                insertNvtx(n);
            }
            for (DemoTimeline.OsrtRow o : rows.osrt) {
                osrt.setLong(1, o.start());
                osrt.setLong(2, o.end());
                osrt.setInt(3, DemoTimeline.EVENT_CLASS_OS_RUNTIME);
                osrt.setLong(4, DemoTimeline.IO_GLOBAL_TID);
                osrt.setInt(5, o.nameId());
                osrt.setInt(6, 0);                   // returnValue
                osrt.setInt(7, 0);                   // nestingLevel: no nested OS calls
                osrt.setInt(8, 0);                   // callchainId: NOT NULL, 0 = no backtrace
                osrt.addBatch();
            }
            for (PreparedStatement ps : all) {
                ps.executeBatch();
            }
        }

        private void insertKernel(DemoTimeline.KernelRow k) throws SQLException {
            DemoKernel d = k.kernel();
            int i = gpuPrefix(kernel, k.start(), k.end(), k.streamId(), k.correlationId());
            kernel.setInt(i++, timeline.stringId(d.demangledName));
            kernel.setInt(i++, timeline.stringId(d.shortName));
            kernel.setInt(i++, timeline.stringId(d.mangledName));
            kernel.setInt(i++, 1);                   // launchType: regular
            kernel.setInt(i++, d.cacheConfig);
            kernel.setInt(i++, d.registersPerThread);
            kernel.setInt(i++, d.gridX);
            kernel.setInt(i++, d.gridY);
            kernel.setInt(i++, d.gridZ);
            kernel.setInt(i++, d.blockX);
            kernel.setInt(i++, d.blockY);
            kernel.setInt(i++, d.blockZ);
            kernel.setInt(i++, d.staticSharedMemory);
            kernel.setInt(i++, d.dynamicSharedMemory);
            kernel.setInt(i++, 0);                   // localMemoryPerThread
            kernel.setLong(i++, DemoKernel.LOCAL_MEMORY_TOTAL);
            kernel.setLong(i++, k.gridId());
            kernel.setInt(i++, d.sharedMemoryExecuted);
            kernel.setNull(i++, Types.INTEGER);      // graphNodeId: eager launches, no CUDA graph
            kernel.setInt(i, d.sharedMemoryLimitConfig);
            kernel.addBatch();
        }

        private void insertNvtx(DemoTimeline.NvtxRow n) throws SQLException {
            nvtx.setLong(1, n.start);
            if (n.end == null) {
                nvtx.setNull(2, Types.INTEGER);
            } else {
                nvtx.setLong(2, n.end);
            }
            nvtx.setInt(3, n.eventType);
            nvtx.setNull(4, Types.INTEGER);          // rangeId: only start/end ranges have one
            nvtx.setNull(5, Types.INTEGER);          // category
            nvtx.setNull(6, Types.INTEGER);          // color
            nvtx.setString(7, n.text);
            nvtx.setLong(8, DemoTimeline.MAIN_GLOBAL_TID);
            nvtx.setNull(9, Types.INTEGER);          // endGlobalTid: push/pop ranges end on their own thread
            nvtx.setNull(10, Types.INTEGER);         // textId: text is inline, not a registered string
            nvtx.setInt(11, 0);                      // domainId: default domain
            for (int i = 12; i <= 20; i++) {         // no payload
                nvtx.setNull(i, Types.NULL);
            }
            nvtx.addBatch();
        }

        /** start, end, deviceId, contextId, greenContextId, streamId, correlationId, globalPid. */
        private static int gpuPrefix(PreparedStatement ps, long start, long end, int streamId, long correlationId)
                throws SQLException {
            ps.setLong(1, start);
            ps.setLong(2, end);
            ps.setInt(3, DemoTimeline.DEVICE_ID);
            ps.setInt(4, DemoTimeline.CONTEXT_ID);
            ps.setInt(5, 0);                         // greenContextId: 0 = none, as on real kernel/copy rows
            ps.setInt(6, streamId);
            ps.setLong(7, correlationId);
            ps.setLong(8, DemoTimeline.GLOBAL_PID);
            return 9;
        }

        @Override
        public void close() throws SQLException {
            SQLException first = null;
            for (PreparedStatement ps : all) {
                try {
                    ps.close();
                } catch (SQLException e) {
                    if (first == null) {
                        first = e;
                    } else {
                        first.addSuppressed(e);
                    }
                }
            }
            if (first != null) {
                throw first;
            }
        }
    }
}
