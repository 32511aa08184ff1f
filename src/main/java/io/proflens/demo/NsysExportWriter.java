package io.proflens.demo;

import io.proflens.model.GlobalIds;
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
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Writes a SYNTHETIC Nsight Systems SQLite export from rows given by the caller: the building block of test
 * fixtures that reproduce a situation an expert describes ("nanosleep 179,993 calls, 192 s") without a GPU
 * or a real capture.
 *
 * <p><b>Schema.</b> The file follows the nsys 2024.6.2 export schema 3.16.1: every table is created with the
 * DDL nsys writes ({@link NsysExportSchema}), and {@code META_DATA_EXPORT} names version 2024.6.2.25, so the
 * stats reports use that release's naming (NVTX ranges of the default domain print as {@code :name}, copies
 * as {@code [CUDA memcpy Host-to-Device]}). The descriptive tables ({@code StringIds},
 * {@code META_DATA_EXPORT}, {@code TARGET_INFO_SESSION_START_TIME}, {@code ANALYSIS_DETAILS},
 * {@code TARGET_INFO_GPU}, {@code PROCESSES}, {@code ThreadNames}, {@code ENUM_CUDA_MEMCPY_OPER},
 * {@code ENUM_CUDA_MEM_KIND}) are always present; an event table ({@code CUPTI_ACTIVITY_KIND_KERNEL},
 * {@code _RUNTIME}, {@code _MEMCPY}, {@code _MEMSET}, {@code _SYNCHRONIZATION}, {@code NVTX_EVENTS},
 * {@code OSRT_API}) exists only if at least one row of its kind was added, as in a real export of a capture
 * without that data (a CPU-only capture has no CUPTI tables, and the reports say "does not contain ...").
 *
 * <p><b>Ids.</b> Processes and threads are given by pid and tid (each 0..0xFFFFFF); the writer encodes them
 * as nsys does, {@code globalTid = (1 << 48) | (pid << 24) | tid} (VM id 1, see {@link GlobalIds}), and GPU
 * rows carry {@code globalPid = globalTid} with the thread bits cleared. Strings (kernel, API, thread and OS
 * call names) are interned into {@code StringIds} for the caller, ids from 1 in order of first use; NVTX text
 * is stored inline in {@code NVTX_EVENTS.text} as nsys does for non-registered strings. A named NVTX domain
 * gets a per-process {@code domainId} (from 1, in order of first use) and one domain-create row (event type
 * 75) at the time of its first use. {@code contextId} is {@code deviceId + 1}; {@code gridId} counts kernels
 * from 1; {@code correlationId}s are the caller's (a kernel, copy or set is tied to the API call of the same
 * process with the same id).
 *
 * <p><b>Units.</b> Timestamps are integer ns on the session clock (any origin; the reports only use
 * differences), sizes are bytes. {@code ANALYSIS_DETAILS} spans the earliest start to the latest end of all
 * rows written. Rows are stored as given and in the order given: {@code end < start} is not rejected (nsys
 * keeps such rows and importers count them), nor are overlapping calls on one thread.
 *
 * <p><b>Left out.</b> Mangled kernel names ({@code mangledName} NULL), CUDA driver API rows (event class 1),
 * call stacks, NVTX start/end ranges (type 60), payloads and categories, CUDA graphs, unified-memory
 * migrations, peer-to-peer copy device columns, GPU metrics, and every other table of a full export
 * ({@code ENUM_*} tables other than the two memory enums, {@code CUDA_CALLCHAINS}, {@code COMPOSITE_EVENTS},
 * ...).
 *
 * <p><b>Writing.</b> {@link #open} creates a temporary file next to the destination; rows go into it through
 * batched prepared INSERTs inside one transaction, so memory stays bounded by the strings and the batch size
 * whatever the row count; {@link #finish} writes the descriptive tables, commits and moves the file over the
 * destination atomically; {@link #close} without {@link #finish} discards it, so a reader never sees a
 * half-written export and a failure leaves any previous file untouched. {@code META_DATA_EXPORT} carries
 * {@code PROFLENS_SYNTHETIC = true}, a fixed export time and session start, and no host name or path: the
 * same calls give the same tables.
 *
 * <pre>{@code
 * try (NsysExportWriter w = NsysExportWriter.open(dir.resolve("t.sqlite"))) {
 *     w.process(100, "python3").thread(100, 100, "python3").gpu(NsysExportWriter.Gpu.h100(0));
 *     w.cudaApi(1_000, 6_000, 100, 100, "cudaLaunchKernel_v7000", 1);
 *     w.kernel(8_000, 20_000, 0, 7, 1, 100, "ampere_sgemm_128x64_tn");
 *     w.finish();
 * }
 * }</pre>
 *
 * <p>Not thread-safe: one writer per file, used from one thread.
 */
public final class NsysExportWriter implements AutoCloseable {
    /** {@code EXPORT_PRODUCT_NAME}: says plainly that the data are made up. */
    public static final String PRODUCT_NAME = "proflens NsysExportWriter (SYNTHETIC data)";
    /** {@code ENUM_CUDA_MEMCPY_OPER} id of a host-to-device copy. */
    public static final int COPY_KIND_HTOD = 1;
    /** {@code ENUM_CUDA_MEMCPY_OPER} id of a device-to-host copy. */
    public static final int COPY_KIND_DTOH = 2;
    /** {@code ENUM_CUDA_MEMCPY_OPER} id of a device-to-device copy. */
    public static final int COPY_KIND_DTOD = 8;
    /** {@code ENUM_CUDA_MEM_KIND} id of pageable host memory. */
    public static final int MEM_KIND_PAGEABLE = 0;
    /** {@code ENUM_CUDA_MEM_KIND} id of pinned (page-locked) host memory. */
    public static final int MEM_KIND_PINNED = 1;
    /** {@code ENUM_CUDA_MEM_KIND} id of device memory. */
    public static final int MEM_KIND_DEVICE = 2;
    /** {@code ENUM_CUPTI_SYNC_TYPE} id of {@code cudaStreamSynchronize}. */
    public static final int SYNC_TYPE_STREAM = 3;
    /** {@code ENUM_CUPTI_SYNC_TYPE} id of {@code cudaDeviceSynchronize} / context synchronize. */
    public static final int SYNC_TYPE_CONTEXT = 4;
    /** VM id of every global id the writer encodes, as in real single-target exports. */
    public static final int VM_ID = 1;

    private static final int MAX_ID = 0xFF_FFFF;
    private static final int BATCH_ROWS = 4_096;
    private static final int EVENT_CLASS_CUDA_RUNTIME = 0;
    private static final int EVENT_CLASS_OS_RUNTIME = 27;
    private static final int NVTX_MARK = 34;
    private static final int NVTX_PUSH_POP_RANGE = 59;
    private static final int NVTX_DOMAIN_CREATE = 75;
    private static final long SYNC_EVENT_ID_NONE = 0xFFFF_FFFFL;
    /** Columns of {@code TARGET_INFO_GPU} that {@link Gpu} sets, by position in {@link NsysExportSchema#GPU_ROW}. */
    private static final int GPU_ID = 1;
    private static final int GPU_NAME = 2;
    private static final int GPU_BUS = 3;
    private static final int GPU_L2 = 5;
    private static final int GPU_MEMORY = 6;
    private static final int GPU_BANDWIDTH = 7;
    private static final int GPU_CLOCK = 8;
    private static final int GPU_SMS = 9;
    private static final int GPU_PW_ID = 10;
    private static final int GPU_UUID = 11;
    private static final int GPU_CHIP = 13;
    private static final int GPU_CU_DEVICE = 14;
    private static final int GPU_SHMEM_PER_SM = 24;
    private static final int GPU_CC_MAJOR = 37;
    private static final int GPU_CC_MINOR = 38;
    private static final int GPU_SM_MAJOR = 39;
    private static final int GPU_SM_MINOR = 40;

    private static final Set<String> RESERVED_META = Set.of("EXPORT_PRODUCT_NAME", "EXPORT_PRODUCT_VERSION",
            "EXPORT_PRODUCT_DATE", "EXPORT_SCHEMA_VERSION", "EXPORT_SCHEMA_VERSION_MAJOR",
            "EXPORT_SCHEMA_VERSION_MINOR", "EXPORT_SCHEMA_VERSION_MICRO", "EXPORT_PLATFORM", "EXPORT_ARCH",
            "EXPORT_TIME_UTC", "EXPORT_TIME_LOCAL", "EXPORT_HOST", "EXPORT_PARAM_TIME_NORMALIZE",
            "EXPORT_PARAM_TIME_SHIFT", "EXPORT_CONFIG_TIME_SHIFT", DemoProfileWriter.SYNTHETIC_FLAG);

    private final Path target;
    private final Path tmp;
    private final Connection connection;
    private final Map<String, Integer> strings = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final Map<Integer, String> processes = new LinkedHashMap<>();
    private final Map<Long, Integer> threadNames = new LinkedHashMap<>();
    private final Map<Integer, Gpu> gpus = new TreeMap<>();
    /** Event tables created so far, by name; an INSERT statement each. */
    private final Map<String, EventTable> tables = new LinkedHashMap<>();
    /** NVTX domain ids per process: key {@code pid + "\0" + domain}. */
    private final Map<String, Integer> domainIds = new LinkedHashMap<>();
    private final Map<Integer, Integer> domainCountByPid = new TreeMap<>();
    private long firstNs = Long.MAX_VALUE;
    private long lastNs = Long.MIN_VALUE;
    private long nextGridId = 1;
    private boolean finished;
    private boolean closed;

    private NsysExportWriter(Path target, Path tmp, Connection connection) {
        this.target = target;
        this.tmp = tmp;
        this.connection = connection;
    }

    /**
     * Starts an export that {@link #finish} will move to {@code out}.
     *
     * @param out destination SQLite file; its parent directory must exist; an existing file is replaced only
     *            by {@link #finish}
     * @return an empty writer (no processes, threads, GPUs or rows)
     * @throws IOException          if the temporary file cannot be created or initialised
     * @throws NullPointerException if {@code out} is null
     */
    public static NsysExportWriter open(Path out) throws IOException {
        Objects.requireNonNull(out, "out");
        Path target = out.toAbsolutePath();
        Path dir = target.getParent();
        if (dir == null) {
            throw new IOException("cannot write nsys export " + target + ": not a file path");
        }
        // A fixed prefix: the caller's file name could contain '?', which the JDBC URL would parse as options.
        Path tmp = Files.createTempFile(dir, ".proflens-export-", ".sqlite.tmp");
        Connection c = null;
        try {
            c = DriverManager.getConnection("jdbc:sqlite:" + tmp);
            try (Statement s = c.createStatement()) {
                // A throw-away file that is moved into place only when complete needs no journal and no fsync.
                s.execute("PRAGMA journal_mode=OFF");
                s.execute("PRAGMA synchronous=OFF");
            }
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                for (String ddl : List.of(NsysExportSchema.STRING_IDS, NsysExportSchema.META_DATA_EXPORT,
                        NsysExportSchema.TARGET_INFO_SESSION_START_TIME, NsysExportSchema.ANALYSIS_DETAILS,
                        NsysExportSchema.TARGET_INFO_GPU, NsysExportSchema.PROCESSES, NsysExportSchema.THREAD_NAMES,
                        NsysExportSchema.ENUM_CUDA_MEMCPY_OPER, NsysExportSchema.ENUM_CUDA_MEM_KIND)) {
                    s.execute(ddl);
                }
            }
            return new NsysExportWriter(target, tmp, c);
        } catch (SQLException e) {
            closeQuietly(c);
            deleteQuietly(tmp);
            throw new IOException("cannot write nsys export " + target + ": " + firstLine(e.getMessage()), e);
        }
    }

    /**
     * Adds a {@code META_DATA_EXPORT} row, e.g. {@code PROFLENS_SCENARIO}; rows are written in the order added,
     * after the fixed {@code EXPORT_*} rows and {@code PROFLENS_SYNTHETIC}.
     *
     * @return this writer
     * @throws IllegalArgumentException if {@code name} is one of the fixed names or was added before
     * @throws NullPointerException     if an argument is null
     */
    public NsysExportWriter metadata(String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        checkOpen();
        if (RESERVED_META.contains(name) || metadata.containsKey(name)) {
            throw new IllegalArgumentException("META_DATA_EXPORT name " + name + " is fixed or already set");
        }
        metadata.put(name, value);
        return this;
    }

    /**
     * Declares a process ({@code PROCESSES} row).
     *
     * @param pid  process id, 0..0xFFFFFF
     * @param name process name as nsys records it (command line), e.g. {@code "python3"}
     * @return this writer
     * @throws IllegalArgumentException if {@code pid} is out of range or declared before
     */
    public NsysExportWriter process(int pid, String name) {
        Objects.requireNonNull(name, "name");
        checkOpen();
        checkId("pid", pid);
        if (processes.putIfAbsent(pid, name) != null) {
            throw new IllegalArgumentException("process " + pid + " declared twice");
        }
        return this;
    }

    /**
     * Declares a thread name ({@code ThreadNames} row, priority 20 as nsys reports for ordinary threads).
     *
     * @param pid  process id, 0..0xFFFFFF
     * @param tid  thread id, 0..0xFFFFFF (the main thread has {@code tid == pid})
     * @param name thread name, e.g. {@code "pool-worker-3"}
     * @return this writer
     * @throws IllegalArgumentException if an id is out of range or the thread was declared before
     */
    public NsysExportWriter thread(int pid, int tid, String name) {
        Objects.requireNonNull(name, "name");
        checkOpen();
        long g = globalTid(pid, tid);
        if (threadNames.putIfAbsent(g, string(name)) != null) {
            throw new IllegalArgumentException("thread " + pid + "/" + tid + " declared twice");
        }
        return this;
    }

    /**
     * Declares a GPU ({@code TARGET_INFO_GPU} row); rows are written by device id.
     *
     * @return this writer
     * @throws IllegalArgumentException if a GPU with the same device id was declared before
     */
    public NsysExportWriter gpu(Gpu gpu) {
        Objects.requireNonNull(gpu, "gpu");
        checkOpen();
        if (gpus.putIfAbsent(gpu.deviceId(), gpu) != null) {
            throw new IllegalArgumentException("GPU " + gpu.deviceId() + " declared twice");
        }
        return this;
    }

    /**
     * Interns a string into {@code StringIds}.
     *
     * @return its id: equal strings get equal ids; new strings get the next id, from 1
     */
    public int string(String value) {
        Objects.requireNonNull(value, "value");
        Integer id = strings.get(value);
        if (id == null) {
            id = strings.size() + 1;
            strings.put(value, id);
        }
        return id;
    }

    /**
     * Adds a kernel with the short name derived from the demangled one ({@link #shortNameOf}) and
     * {@link LaunchConfig#DEFAULT}.
     *
     * @see #kernel(long, long, int, int, long, int, String, String, LaunchConfig)
     */
    public NsysExportWriter kernel(long startNs, long endNs, int deviceId, int streamId, long correlationId, int pid,
            String demangledName) throws IOException {
        return kernel(startNs, endNs, deviceId, streamId, correlationId, pid, demangledName,
                shortNameOf(demangledName), LaunchConfig.DEFAULT);
    }

    /**
     * Adds a {@code CUPTI_ACTIVITY_KIND_KERNEL} row (regular launch, no CUDA graph, {@code mangledName} NULL).
     *
     * @param startNs       GPU start, ns
     * @param endNs         GPU end, ns
     * @param deviceId      CUDA device id (should be a declared {@link Gpu})
     * @param streamId      CUDA stream id
     * @param correlationId id of the launching API call ({@link #cudaApi}) of the same process
     * @param pid           launching process, 0..0xFFFFFF
     * @param demangledName full demangled name (nsys's {@code demangledName})
     * @param shortName     base function name (nsys's {@code shortName})
     * @param launch        grid, block, registers and shared memory
     * @return this writer
     * @throws IOException              if a batch cannot be written
     * @throws IllegalArgumentException if an id is out of range
     */
    public NsysExportWriter kernel(long startNs, long endNs, int deviceId, int streamId, long correlationId, int pid,
            String demangledName, String shortName, LaunchConfig launch) throws IOException {
        Objects.requireNonNull(demangledName, "demangledName");
        Objects.requireNonNull(shortName, "shortName");
        Objects.requireNonNull(launch, "launch");
        checkGpuIds(deviceId, streamId);
        long globalPid = globalPid(pid);
        EventTable t = table("CUPTI_ACTIVITY_KIND_KERNEL", NsysExportSchema.CUPTI_ACTIVITY_KIND_KERNEL, 28);
        PreparedStatement ps = t.insert;
        try {
            int i = gpuPrefix(ps, startNs, endNs, deviceId, streamId, correlationId, globalPid);
            ps.setInt(i++, string(demangledName));
            ps.setInt(i++, string(shortName));
            ps.setNull(i++, Types.INTEGER);          // mangledName: not modelled
            ps.setInt(i++, 1);                       // launchType: regular, as DemoProfileWriter
            ps.setInt(i++, 0);                       // cacheConfig: no preference
            ps.setInt(i++, launch.registersPerThread());
            ps.setInt(i++, launch.gridX());
            ps.setInt(i++, launch.gridY());
            ps.setInt(i++, launch.gridZ());
            ps.setInt(i++, launch.blockX());
            ps.setInt(i++, launch.blockY());
            ps.setInt(i++, launch.blockZ());
            ps.setInt(i++, launch.staticSharedMemoryBytes());
            ps.setInt(i++, launch.dynamicSharedMemoryBytes());
            ps.setInt(i++, 0);                       // localMemoryPerThread
            ps.setLong(i++, DemoKernel.LOCAL_MEMORY_TOTAL);
            ps.setLong(i++, nextGridId++);
            ps.setInt(i++, sharedMemoryExecuted(launch));
            ps.setNull(i++, Types.INTEGER);          // graphNodeId: eager launch
            ps.setInt(i, 1);                         // sharedMemoryLimitConfig: default
        } catch (SQLException e) {
            throw failure(e);
        }
        return added(t, startNs, endNs);
    }

    /**
     * Adds a {@code CUPTI_ACTIVITY_KIND_MEMCPY} row.
     *
     * @param copyKind {@link #COPY_KIND_HTOD}, {@link #COPY_KIND_DTOH}, {@link #COPY_KIND_DTOD} or another
     *                 {@code ENUM_CUDA_MEMCPY_OPER} id (0..13)
     * @param srcKind  {@link #MEM_KIND_PAGEABLE}, {@link #MEM_KIND_PINNED}, {@link #MEM_KIND_DEVICE} or another
     *                 {@code ENUM_CUDA_MEM_KIND} id (0..7)
     * @param dstKind  as {@code srcKind}
     * @param bytes    bytes copied, ≥ 0
     * @return this writer
     * @throws IOException              if a batch cannot be written
     * @throws IllegalArgumentException if an id or enum value is out of range or {@code bytes < 0}
     */
    public NsysExportWriter memcpy(long startNs, long endNs, int deviceId, int streamId, long correlationId, int pid,
            long bytes, int copyKind, int srcKind, int dstKind) throws IOException {
        checkGpuIds(deviceId, streamId);
        checkEnum("copyKind", copyKind, NsysExportSchema.MEMCPY_OPER.size());
        checkEnum("srcKind", srcKind, NsysExportSchema.MEM_KIND.size());
        checkEnum("dstKind", dstKind, NsysExportSchema.MEM_KIND.size());
        checkBytes(bytes);
        long globalPid = globalPid(pid);
        EventTable t = table("CUPTI_ACTIVITY_KIND_MEMCPY", NsysExportSchema.CUPTI_ACTIVITY_KIND_MEMCPY, 20);
        PreparedStatement ps = t.insert;
        try {
            int i = gpuPrefix(ps, startNs, endNs, deviceId, streamId, correlationId, globalPid);
            ps.setLong(i++, bytes);
            ps.setInt(i++, copyKind);
            ps.setNull(i++, Types.INTEGER);          // deprecatedSrcId
            ps.setInt(i++, srcKind);
            ps.setInt(i++, dstKind);
            for (int n = 0; n < 7; n++) {           // src/dst device and context, migrationCause, graphNodeId,
                ps.setNull(i++, Types.INTEGER);      // virtualAddress: NULL for a plain copy
            }
        } catch (SQLException e) {
            throw failure(e);
        }
        return added(t, startNs, endNs);
    }

    /**
     * Adds a {@code CUPTI_ACTIVITY_KIND_MEMSET} row on device memory.
     *
     * @param bytes bytes set, ≥ 0
     * @param value the byte value written
     * @return this writer
     * @throws IOException              if a batch cannot be written
     * @throws IllegalArgumentException if an id is out of range or {@code bytes < 0}
     */
    public NsysExportWriter memset(long startNs, long endNs, int deviceId, int streamId, long correlationId, int pid,
            long bytes, int value) throws IOException {
        checkGpuIds(deviceId, streamId);
        checkBytes(bytes);
        long globalPid = globalPid(pid);
        EventTable t = table("CUPTI_ACTIVITY_KIND_MEMSET", NsysExportSchema.CUPTI_ACTIVITY_KIND_MEMSET, 12);
        PreparedStatement ps = t.insert;
        try {
            int i = gpuPrefix(ps, startNs, endNs, deviceId, streamId, correlationId, globalPid);
            ps.setInt(i++, value);
            ps.setLong(i++, bytes);
            ps.setNull(i++, Types.INTEGER);          // graphNodeId
            ps.setInt(i, MEM_KIND_DEVICE);
        } catch (SQLException e) {
            throw failure(e);
        }
        return added(t, startNs, endNs);
    }

    /**
     * Adds a {@code CUPTI_ACTIVITY_KIND_SYNCHRONIZATION} row (no CUDA event involved).
     *
     * @param correlationId id of the synchronizing API call ({@link #cudaApi})
     * @param syncType      {@link #SYNC_TYPE_STREAM}, {@link #SYNC_TYPE_CONTEXT} or another
     *                      {@code ENUM_CUPTI_SYNC_TYPE} id
     * @return this writer
     * @throws IOException              if a batch cannot be written
     * @throws IllegalArgumentException if an id is out of range
     */
    public NsysExportWriter synchronization(long startNs, long endNs, int deviceId, int streamId, long correlationId,
            int pid, int syncType) throws IOException {
        checkGpuIds(deviceId, streamId);
        long globalPid = globalPid(pid);
        EventTable t = table("CUPTI_ACTIVITY_KIND_SYNCHRONIZATION",
                NsysExportSchema.CUPTI_ACTIVITY_KIND_SYNCHRONIZATION, 10);
        PreparedStatement ps = t.insert;
        try {
            ps.setLong(1, startNs);
            ps.setLong(2, endNs);
            ps.setInt(3, deviceId);
            ps.setInt(4, deviceId + 1);              // contextId
            ps.setNull(5, Types.INTEGER);            // greenContextId: NULL on real 2024.6.2 sync rows
            ps.setInt(6, streamId);
            ps.setLong(7, correlationId);
            ps.setLong(8, globalPid);
            ps.setInt(9, syncType);
            ps.setLong(10, SYNC_EVENT_ID_NONE);
        } catch (SQLException e) {
            throw failure(e);
        }
        return added(t, startNs, endNs);
    }

    /**
     * Adds a CUDA runtime API call ({@code CUPTI_ACTIVITY_KIND_RUNTIME}, event class 0, return value 0).
     *
     * @param name          function name as nsys records it, e.g. {@code "cudaLaunchKernel_v7000"} (the
     *                      {@code _vNNNN} suffix is stripped by {@code cuda_api_sum}) or {@code "cudaMemcpy"}
     * @param correlationId id shared with the GPU rows this call issued; unique per process for those
     * @return this writer
     * @throws IOException              if a batch cannot be written
     * @throws IllegalArgumentException if an id is out of range
     */
    public NsysExportWriter cudaApi(long startNs, long endNs, int pid, int tid, String name, long correlationId)
            throws IOException {
        Objects.requireNonNull(name, "name");
        long g = globalTid(pid, tid);
        EventTable t = table("CUPTI_ACTIVITY_KIND_RUNTIME", NsysExportSchema.CUPTI_ACTIVITY_KIND_RUNTIME, 8);
        PreparedStatement ps = t.insert;
        try {
            ps.setLong(1, startNs);
            ps.setLong(2, endNs);
            ps.setInt(3, EVENT_CLASS_CUDA_RUNTIME);
            ps.setLong(4, g);
            ps.setLong(5, correlationId);
            ps.setInt(6, string(name));
            ps.setInt(7, 0);                         // returnValue: cudaSuccess
            ps.setNull(8, Types.INTEGER);            // callchainId: no backtraces
        } catch (SQLException e) {
            throw failure(e);
        }
        return added(t, startNs, endNs);
    }

    /**
     * Adds an OS runtime call ({@code OSRT_API}, event class 27, return value 0, nesting level 0, no call chain).
     *
     * @param name function name, e.g. {@code "nanosleep"}, {@code "pthread_cond_timedwait"}
     * @return this writer
     * @throws IOException              if a batch cannot be written
     * @throws IllegalArgumentException if an id is out of range
     */
    public NsysExportWriter osRuntime(long startNs, long endNs, int pid, int tid, String name) throws IOException {
        Objects.requireNonNull(name, "name");
        long g = globalTid(pid, tid);
        EventTable t = table("OSRT_API", NsysExportSchema.OSRT_API, 8);
        PreparedStatement ps = t.insert;
        try {
            ps.setLong(1, startNs);
            ps.setLong(2, endNs);
            ps.setInt(3, EVENT_CLASS_OS_RUNTIME);
            ps.setLong(4, g);
            ps.setInt(5, string(name));
            ps.setInt(6, 0);                         // returnValue
            ps.setInt(7, 0);                         // nestingLevel
            ps.setInt(8, 0);                         // callchainId: NOT NULL, 0 = no backtrace
        } catch (SQLException e) {
            throw failure(e);
        }
        return added(t, startNs, endNs);
    }

    /**
     * Adds an NVTX push/pop range of the default domain.
     *
     * @see #nvtxRange(long, long, int, int, String, String)
     */
    public NsysExportWriter nvtxRange(long startNs, long endNs, int pid, int tid, String text) throws IOException {
        return nvtxRange(startNs, endNs, pid, tid, text, null);
    }

    /**
     * Adds an NVTX push/pop range (event type 59) that starts and ends on thread {@code tid}.
     *
     * @param text   range text, stored inline
     * @param domain domain name, or {@code null} for the default domain (reports print {@code :text});
     *               a named domain prints as {@code domain:text}
     * @return this writer
     * @throws IOException              if a batch cannot be written
     * @throws IllegalArgumentException if an id is out of range
     */
    public NsysExportWriter nvtxRange(long startNs, long endNs, int pid, int tid, String text, String domain)
            throws IOException {
        return nvtx(startNs, endNs, NVTX_PUSH_POP_RANGE, pid, tid, text, domain);
    }

    /**
     * Adds an NVTX mark (event type 34, {@code end} NULL).
     *
     * @param domain domain name, or {@code null} for the default domain
     * @return this writer
     * @throws IOException              if a batch cannot be written
     * @throws IllegalArgumentException if an id is out of range
     */
    public NsysExportWriter nvtxMark(long timeNs, int pid, int tid, String text, String domain) throws IOException {
        return nvtx(timeNs, null, NVTX_MARK, pid, tid, text, domain);
    }

    /**
     * Writes the descriptive tables, commits and moves the export over the destination atomically. The writer
     * is closed afterwards.
     *
     * @return the destination path (absolute)
     * @throws IOException           if a write or the move fails (e.g. the file system cannot move atomically);
     *                               the temporary file is deleted and the destination left as it was
     * @throws IllegalStateException if already finished or closed
     */
    public Path finish() throws IOException {
        checkOpen();
        finished = true;
        boolean moved = false;
        try {
            for (EventTable t : tables.values()) {
                t.flush();
                t.insert.close();
            }
            writeDescriptiveTables();
            connection.commit();
            connection.close();
            makeWorldReadable(tmp);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            moved = true;
            return target;
        } catch (SQLException e) {
            throw failure(e);
        } finally {
            closed = true;
            if (!moved) {
                closeQuietly(connection);
                deleteQuietly(tmp);
            }
        }
    }

    /**
     * Discards the export unless {@link #finish} succeeded: the temporary file is deleted and the destination
     * is not touched. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly(connection);
        deleteQuietly(tmp);
    }

    /**
     * @return the nsys {@code globalTid} of a thread: {@code (VM_ID << 48) | (pid << 24) | tid}
     * @throws IllegalArgumentException if {@code pid} or {@code tid} is outside 0..0xFFFFFF
     */
    public static long globalTid(int pid, int tid) {
        checkId("pid", pid);
        checkId("tid", tid);
        return GlobalIds.globalTid(VM_ID, pid, tid);
    }

    /**
     * @return the nsys {@code globalPid} of a process, as GPU tables and {@code PROCESSES} carry it: the
     *         {@code globalTid} with the thread bits cleared
     * @throws IllegalArgumentException if {@code pid} is outside 0..0xFFFFFF
     */
    public static long globalPid(int pid) {
        return GlobalIds.processOf(globalTid(pid, 0));
    }

    /**
     * The base function name nsys stores as a kernel's {@code shortName}: the demangled name without return
     * type, namespaces, template arguments and parameter list ({@code void at::native::elementwise_kernel<...>(int,
     * ...)} → {@code elementwise_kernel}); a name without parameter list ({@code nvjet_tst_...},
     * {@code ampere_sgemm_128x64_tn}) is its own short name.
     *
     * @return the short name; never empty for a non-empty input
     */
    public static String shortNameOf(String demangledName) {
        String s = demangledName.strip();
        int depth = 0;
        int end = s.length();
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '<') {
                depth++;
            } else if (ch == '>') {
                depth = Math.max(0, depth - 1);
            } else if (ch == '(' && depth == 0) {
                if (s.startsWith("(anonymous namespace)", i)) {
                    i += "(anonymous namespace)".length() - 1;
                    continue;
                }
                end = i;
                break;
            }
        }
        String head = s.substring(0, end);
        int angle = topLevelIndexOf(head, '<');
        if (angle > 0) {
            head = head.substring(0, angle);
        }
        int space = head.lastIndexOf(' ');
        if (space >= 0 && space < head.length() - 1) {
            head = head.substring(space + 1);
        }
        int colons = head.lastIndexOf("::");
        if (colons >= 0 && colons + 2 < head.length()) {
            head = head.substring(colons + 2);
        }
        return head.isEmpty() ? s : head;
    }

    private static int topLevelIndexOf(String s, char wanted) {
        int paren = 0;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '(') {
                paren++;
            } else if (ch == ')') {
                paren--;
            } else if (ch == wanted && paren == 0) {
                return i;
            }
        }
        return -1;
    }

    private NsysExportWriter nvtx(long startNs, Long endNs, int eventType, int pid, int tid, String text, String domain)
            throws IOException {
        Objects.requireNonNull(text, "text");
        long g = globalTid(pid, tid);
        int domainId = 0;
        if (domain != null) {
            String key = pid + "\0" + domain;
            Integer id = domainIds.get(key);
            if (id == null) {
                id = domainCountByPid.merge(pid, 1, Integer::sum);
                domainIds.put(key, id);
                insertNvtx(startNs, null, NVTX_DOMAIN_CREATE, g, domain, id);
            }
            domainId = id;
        }
        return insertNvtx(startNs, endNs, eventType, g, text, domainId);
    }

    private NsysExportWriter insertNvtx(long startNs, Long endNs, int eventType, long globalTid, String text,
            int domainId) throws IOException {
        EventTable t = table("NVTX_EVENTS", NsysExportSchema.NVTX_EVENTS, 20);
        PreparedStatement ps = t.insert;
        try {
            ps.setLong(1, startNs);
            if (endNs == null) {
                ps.setNull(2, Types.INTEGER);
            } else {
                ps.setLong(2, endNs);
            }
            ps.setInt(3, eventType);
            ps.setNull(4, Types.INTEGER);            // rangeId: only start/end ranges have one
            ps.setNull(5, Types.INTEGER);            // category
            ps.setNull(6, Types.INTEGER);            // color
            ps.setString(7, text);
            ps.setLong(8, globalTid);
            ps.setNull(9, Types.INTEGER);            // endGlobalTid: push/pop ranges end on their own thread
            ps.setNull(10, Types.INTEGER);           // textId: text is inline
            ps.setInt(11, domainId);
            for (int i = 12; i <= 20; i++) {         // no payload
                ps.setNull(i, Types.NULL);
            }
        } catch (SQLException e) {
            throw failure(e);
        }
        return added(t, startNs, endNs == null ? startNs : endNs);
    }

    private EventTable table(String name, String ddl, int columns) throws IOException {
        checkOpen();
        EventTable t = tables.get(name);
        if (t == null) {
            try (Statement s = connection.createStatement()) {
                s.execute(ddl);
                t = new EventTable(connection.prepareStatement(
                        "INSERT INTO " + name + " VALUES (" + placeholders(columns) + ")"));
            } catch (SQLException e) {
                throw failure(e);
            }
            tables.put(name, t);
        }
        return t;
    }

    private NsysExportWriter added(EventTable t, long startNs, long endNs) throws IOException {
        firstNs = Math.min(firstNs, Math.min(startNs, endNs));
        lastNs = Math.max(lastNs, Math.max(startNs, endNs));
        try {
            t.insert.addBatch();
            if (++t.pending >= BATCH_ROWS) {
                t.flush();
            }
        } catch (SQLException e) {
            throw failure(e);
        }
        return this;
    }

    /** start, end, deviceId, contextId, greenContextId, streamId, correlationId, globalPid; returns next index. */
    private static int gpuPrefix(PreparedStatement ps, long start, long end, int deviceId, int streamId,
            long correlationId, long globalPid) throws SQLException {
        ps.setLong(1, start);
        ps.setLong(2, end);
        ps.setInt(3, deviceId);
        ps.setInt(4, deviceId + 1);                  // contextId: one primary context per device
        ps.setInt(5, 0);                             // greenContextId: 0 = none, as on real kernel/copy rows
        ps.setInt(6, streamId);
        ps.setLong(7, correlationId);
        ps.setLong(8, globalPid);
        return 9;
    }

    private static int sharedMemoryExecuted(LaunchConfig l) {
        // The driver rounds the shared-memory carve-out up; 8 KiB granularity is what Hopper reports.
        int used = l.staticSharedMemoryBytes() + l.dynamicSharedMemoryBytes();
        return used == 0 ? 0 : (used + 8_191) / 8_192 * 8_192;
    }

    private void writeDescriptiveTables() throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO StringIds VALUES (?, ?)")) {
            for (Map.Entry<String, Integer> e : strings.entrySet()) {
                ps.setInt(1, e.getValue());
                ps.setString(2, e.getKey());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO META_DATA_EXPORT VALUES (?, ?)")) {
            List<String[]> meta = new ArrayList<>(List.of(
                    new String[] {"EXPORT_PRODUCT_NAME", PRODUCT_NAME},
                    new String[] {"EXPORT_PRODUCT_VERSION", DemoProfileWriter.PRODUCT_VERSION},
                    new String[] {"EXPORT_PRODUCT_DATE", "2024.6"},
                    new String[] {"EXPORT_SCHEMA_VERSION", DemoProfileWriter.SCHEMA_VERSION},
                    new String[] {"EXPORT_SCHEMA_VERSION_MAJOR", "3"},
                    new String[] {"EXPORT_SCHEMA_VERSION_MINOR", "16"},
                    new String[] {"EXPORT_SCHEMA_VERSION_MICRO", "1"},
                    new String[] {"EXPORT_PLATFORM", "linux-desktop"},
                    new String[] {"EXPORT_ARCH", "x64"},
                    new String[] {"EXPORT_TIME_UTC", "2025-01-01T00:00:05"},
                    new String[] {"EXPORT_TIME_LOCAL", "2025-01-01T00:00:05 +0000 UTC"},
                    new String[] {"EXPORT_HOST", "proflens-export-writer (synthetic)"},
                    new String[] {"EXPORT_PARAM_TIME_NORMALIZE", "false"},
                    new String[] {"EXPORT_PARAM_TIME_SHIFT", "0"},
                    new String[] {"EXPORT_CONFIG_TIME_SHIFT", "0"},
                    new String[] {DemoProfileWriter.SYNTHETIC_FLAG, "true"}));
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                meta.add(new String[] {e.getKey(), e.getValue()});
            }
            for (String[] row : meta) {
                ps.setString(1, row[0]);
                ps.setString(2, row[1]);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        try (PreparedStatement ps = connection.prepareStatement(
                "INSERT INTO TARGET_INFO_SESSION_START_TIME VALUES (?, ?, ?)")) {
            ps.setLong(1, 1_735_689_600_000_000_000L); // 2025-01-01T00:00:00Z, fixed for reproducible files
            ps.setString(2, "2025-01-01T00:00:00");
            ps.setString(3, "2025-01-01T00:00:00");
            ps.executeUpdate();
        }
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO ANALYSIS_DETAILS VALUES (?, ?, ?, ?)")) {
            long start = firstNs == Long.MAX_VALUE ? 0 : firstNs;
            long stop = lastNs == Long.MIN_VALUE ? 0 : lastNs;
            ps.setLong(1, (long) VM_ID << 48);
            ps.setLong(2, stop - start);
            ps.setLong(3, start);
            ps.setLong(4, stop);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO TARGET_INFO_GPU VALUES ("
                + placeholders(NsysExportSchema.GPU_ROW.size()) + ")")) {
            for (Gpu gpu : gpus.values()) {
                List<Object> row = gpu.row();
                for (int i = 0; i < row.size(); i++) {
                    ps.setObject(i + 1, row.get(i));
                }
                ps.addBatch();
            }
            ps.executeBatch();
        }
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO PROCESSES VALUES (?, ?, ?)")) {
            for (Map.Entry<Integer, String> e : processes.entrySet()) {
                ps.setLong(1, globalPid(e.getKey()));
                ps.setInt(2, e.getKey());
                ps.setString(3, e.getValue());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO ThreadNames VALUES (?, ?, ?)")) {
            for (Map.Entry<Long, Integer> e : threadNames.entrySet()) {
                ps.setInt(1, e.getValue());
                ps.setInt(2, 20);                    // default nice-0 priority
                ps.setLong(3, e.getKey());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        insertEnum("ENUM_CUDA_MEMCPY_OPER", NsysExportSchema.MEMCPY_OPER);
        insertEnum("ENUM_CUDA_MEM_KIND", NsysExportSchema.MEM_KIND);
    }

    private void insertEnum(String table, List<NsysExportSchema.EnumRow> rows) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO " + table + " VALUES (?, ?, ?)")) {
            for (NsysExportSchema.EnumRow row : rows) {
                ps.setInt(1, row.id());
                ps.setString(2, row.name());
                ps.setString(3, row.label());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private void checkOpen() {
        if (closed || finished) {
            throw new IllegalStateException("nsys export " + target + " already finished or closed");
        }
    }

    private static void checkId(String what, int id) {
        if (id < 0 || id > MAX_ID) {
            throw new IllegalArgumentException(what + " " + id + " outside 0..0xFFFFFF (24 bits in a globalTid)");
        }
    }

    private static void checkGpuIds(int deviceId, int streamId) {
        if (deviceId < 0 || streamId < 0) {
            throw new IllegalArgumentException("deviceId and streamId must be >= 0: " + deviceId + ", " + streamId);
        }
    }

    private static void checkEnum(String what, int value, int size) {
        if (value < 0 || value >= size) {
            throw new IllegalArgumentException(what + " " + value + " outside 0.." + (size - 1));
        }
    }

    private static void checkBytes(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes must be >= 0: " + bytes);
        }
    }

    private IOException failure(SQLException e) {
        return new IOException("cannot write nsys export " + target + ": " + firstLine(e.getMessage()), e);
    }

    private static String placeholders(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
    }

    private static void makeWorldReadable(Path file) {
        // createTempFile makes the file owner-only; an export is meant to be shared like any other.
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException | IOException e) {
            // Non-POSIX file system: keep its default permissions.
        }
    }

    private static void closeQuietly(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException e) {
            // Discarding the file anyway; the original failure is what the caller needs.
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // A stray ".tmp" file is harmless; the original failure is what the caller needs.
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown SQLite error";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message.strip() : message.substring(0, nl).strip();
    }

    /** An event table's batched INSERT and its rows not yet sent. */
    private static final class EventTable {
        final PreparedStatement insert;
        int pending;

        EventTable(PreparedStatement insert) {
            this.insert = insert;
        }

        void flush() throws SQLException {
            if (pending > 0) {
                insert.executeBatch();
                pending = 0;
            }
        }
    }

    /**
     * Launch geometry and resources of a kernel.
     *
     * @param gridX                    blocks in x, ≥ 1 (likewise y, z)
     * @param blockX                   threads per block in x, ≥ 1 (likewise y, z)
     * @param registersPerThread       registers per thread, ≥ 0
     * @param staticSharedMemoryBytes  static shared memory per block (B), ≥ 0
     * @param dynamicSharedMemoryBytes dynamic shared memory per block (B), ≥ 0
     */
    public record LaunchConfig(int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ,
            int registersPerThread, int staticSharedMemoryBytes, int dynamicSharedMemoryBytes) {
        /** A 132×1×1 grid of 256-thread blocks, 32 registers, no shared memory. */
        public static final LaunchConfig DEFAULT = new LaunchConfig(132, 1, 1, 256, 1, 1, 32, 0, 0);

        /** @throws IllegalArgumentException if a dimension is below 1 or a resource below 0 */
        public LaunchConfig {
            if (gridX < 1 || gridY < 1 || gridZ < 1 || blockX < 1 || blockY < 1 || blockZ < 1) {
                throw new IllegalArgumentException("grid and block dimensions must be >= 1");
            }
            if (registersPerThread < 0 || staticSharedMemoryBytes < 0 || dynamicSharedMemoryBytes < 0) {
                throw new IllegalArgumentException("registers and shared memory must be >= 0");
            }
        }
    }

    /**
     * A GPU of {@code TARGET_INFO_GPU}. Columns not given here (maximum block/grid sizes, registers per
     * block, warp size, copy engines, ...) are those of the H100 row of a real 2024.6.2 export
     * ({@link NsysExportSchema#GPU_ROW}); {@code pwGpuId} and {@code cuDevice} equal {@code deviceId}, the
     * PCI bus location and UUID are derived from it.
     *
     * @param deviceId                  CUDA device id, 0..255, as the activity tables' {@code deviceId}
     * @param name                      e.g. {@code "NVIDIA H100 80GB HBM3"}
     * @param chipName                  e.g. {@code "GH100"}
     * @param smCount                   multiprocessors
     * @param computeMajor              compute capability major
     * @param computeMinor              compute capability minor
     * @param totalMemoryBytes          device memory (B)
     * @param memoryBandwidthBytesPerSec memory bandwidth (B/s)
     * @param clockRateHz               SM clock (Hz)
     * @param l2CacheBytes              L2 cache (B)
     * @param maxShmemPerSmBytes        shared memory per multiprocessor (B)
     */
    public record Gpu(int deviceId, String name, String chipName, int smCount, int computeMajor, int computeMinor,
            long totalMemoryBytes, long memoryBandwidthBytesPerSec, long clockRateHz, long l2CacheBytes,
            int maxShmemPerSmBytes) {
        /** @throws IllegalArgumentException if {@code deviceId} is outside 0..255 */
        public Gpu {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(chipName, "chipName");
            if (deviceId < 0 || deviceId > 255) {
                throw new IllegalArgumentException("deviceId " + deviceId + " outside 0..255");
            }
        }

        /** @return an H100 80GB HBM3 (SXM) with the given device id, values of a real 2024.6.2 export */
        public static Gpu h100(int deviceId) {
            return new Gpu(deviceId, "NVIDIA H100 80GB HBM3", "GH100", 132, 9, 0, 85_520_809_984L,
                    3_352_320_000_000L, 1_980_000_000L, 52_428_800L, 233_472);
        }

        /** @return an A100-SXM4-80GB with the given device id (datasheet values) */
        public static Gpu a100(int deviceId) {
            return new Gpu(deviceId, "NVIDIA A100-SXM4-80GB", "GA100", 108, 8, 0, 85_100_068_864L,
                    2_039_000_000_000L, 1_410_000_000L, 41_943_040L, 167_936);
        }

        List<Object> row() {
            List<Object> r = new ArrayList<>(NsysExportSchema.GPU_ROW);
            r.set(0, (long) VM_ID << 48);
            r.set(GPU_ID, deviceId);
            r.set(GPU_NAME, name);
            r.set(GPU_BUS, String.format(java.util.Locale.ROOT, "0000:%02x:00.0", 0x18 + 0x10 * deviceId % 0xE0));
            r.set(GPU_L2, l2CacheBytes);
            r.set(GPU_MEMORY, totalMemoryBytes);
            r.set(GPU_BANDWIDTH, memoryBandwidthBytesPerSec);
            r.set(GPU_CLOCK, clockRateHz);
            r.set(GPU_SMS, smCount);
            r.set(GPU_PW_ID, deviceId);
            r.set(GPU_UUID, String.format(java.util.Locale.ROOT, "a8a99508-235c-1ac9-454c-6a98d38f97%02x", deviceId));
            r.set(GPU_CHIP, chipName);
            r.set(GPU_CU_DEVICE, deviceId);
            r.set(GPU_SHMEM_PER_SM, maxShmemPerSmBytes);
            r.set(GPU_CC_MAJOR, computeMajor);
            r.set(GPU_CC_MINOR, computeMinor);
            r.set(GPU_SM_MAJOR, computeMajor);
            r.set(GPU_SM_MINOR, computeMinor);
            return r;
        }
    }
}
