package io.proflens.ingest.nsys;

import io.proflens.ingest.ImportException;
import io.proflens.ingest.ImportOptions;
import io.proflens.model.TableKind;
import io.proflens.ingest.ProgressListener;
import io.proflens.model.ApiCallTable;
import io.proflens.model.GlobalIds;
import io.proflens.model.GpuDevice;
import io.proflens.model.ImportIssue;
import io.proflens.model.ImportIssue.Severity;
import io.proflens.model.IntervalTable;
import io.proflens.model.KernelTable;
import io.proflens.model.LaunchLinks;
import io.proflens.model.MemcpyKind;
import io.proflens.model.MemcpyTable;
import io.proflens.model.MemoryKind;
import io.proflens.model.MemsetTable;
import io.proflens.model.NvtxTable;
import io.proflens.model.ProcessInfo;
import io.proflens.model.RowSinks;
import io.proflens.model.StringTable;
import io.proflens.model.SyncTable;
import io.proflens.model.ThreadInfo;
import io.proflens.model.Trace;
import io.proflens.model.TraceMetadata;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Reads an Nsight Systems SQLite export (nsys 2020.3 to 2026.2) into a {@link Trace}.
 *
 * <p>The file is opened read-only and immutable ({@code mode=ro&immutable=1}); it is never modified and no
 * journal is created. Tables and columns are probed per file ({@link NsysSchema}). Every table is read with
 * one sequential scan in rowid order, straight into primitive columns presized from {@code COUNT(*)}.
 * Names come from {@code StringIds}; NVTX text is {@code coalesce(text, StringIds[textId])} and domain names
 * come from the domain-create events (type 75) of the same process. Suspect rows (negative durations,
 * unclosed ranges, unknown enum values, dangling string ids) are kept, as nsys keeps them, and counted as
 * {@link ImportIssue}s.
 *
 * <p>Thread safety: an instance holds no state; {@link #read} may be called concurrently.
 */
public final class NsysSqliteImporter {
    private static final byte[] SQLITE_MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
    private static final int PROGRESS_EVERY = 1 << 16;

    /** Format id recorded in {@link TraceMetadata#format()}. */
    public static final String FORMAT = "nsys-sqlite";

    /**
     * @return whether {@code header} (the first bytes of a file) starts with the SQLite magic string
     */
    public static boolean looksLikeSqlite(byte[] header) {
        if (header.length < SQLITE_MAGIC.length) {
            return false;
        }
        return Arrays.equals(Arrays.copyOf(header, SQLITE_MAGIC.length), SQLITE_MAGIC);
    }

    /**
     * Reads the export.
     *
     * @param file     the {@code .sqlite} export
     * @param options  what to load
     * @param progress progress sink (rows per table)
     * @return the trace
     * @throws ImportException when the file is missing, unreadable, not SQLite, corrupt, or has no nsys tables
     */
    public Trace read(Path file, ImportOptions options, ProgressListener progress) throws ImportException {
        return read(file, options, progress, RowSinks.NONE);
    }

    /**
     * Reads the export, streaming the tables that have a sink in {@code sinks} (those are fed row by row in
     * rowid order and left empty, but present, in the returned trace) and storing the other loaded tables.
     *
     * @throws ImportException as {@link #read(Path, ImportOptions, ProgressListener)}
     */
    public Trace read(Path file, ImportOptions options, ProgressListener progress, RowSinks sinks)
            throws ImportException {
        checkFile(file);
        String url = "jdbc:sqlite:file:" + file.toAbsolutePath().toString().replace("?", "%3f").replace("#", "%23")
                + "?mode=ro&immutable=1";
        Properties props = new Properties();
        props.setProperty("open_mode", "1"); // SQLITE_OPEN_READONLY
        try (Connection c = open(url, props)) {
            NsysSchema schema;
            try {
                schema = new NsysSchema(c);
            } catch (SQLException e) {
                throw new ImportException(file, "not a readable SQLite database (" + oneLine(e) + ")", e);
            }
            if (!schema.has("StringIds") && !schema.has("CUPTI_ACTIVITY_KIND_KERNEL")
                    && !schema.has("CUPTI_ACTIVITY_KIND_RUNTIME") && !schema.has("NVTX_EVENTS")
                    && !schema.has("OSRT_API")) {
                throw new ImportException(file, "SQLite database without Nsight Systems tables (no StringIds, "
                        + "CUPTI_ACTIVITY_KIND_*, NVTX_EVENTS or OSRT_API); export it with 'nsys export --type sqlite'");
            }
            return new Reader(file, c, () -> open(url, props), schema, options, progress, sinks).read();
        } catch (SQLException e) {
            throw new ImportException(file, "cannot read SQLite export (" + oneLine(e) + ")", e);
        }
    }

    /** Opens one more read-only, immutable connection with the reader's settings. */
    @FunctionalInterface
    private interface ConnectionSource {
        Connection open() throws SQLException;
    }

    private static Connection open(String url, Properties props) throws SQLException {
        Connection c = DriverManager.getConnection(url, props);
        try (Statement st = c.createStatement()) {
            st.execute("PRAGMA cache_size=-65536");
            st.execute("PRAGMA temp_store=MEMORY");
        }
        return c;
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replaceAll("\\s+", " ").trim();
    }

    static void checkFile(Path file) throws ImportException {
        if (!Files.exists(file)) {
            throw new ImportException(file, "no such file");
        }
        if (Files.isDirectory(file)) {
            throw new ImportException(file, "is a directory, expected an nsys SQLite export file");
        }
        if (!Files.isReadable(file)) {
            throw new ImportException(file, "permission denied (file is not readable)");
        }
        byte[] head = new byte[SQLITE_MAGIC.length];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw new ImportException(file, "cannot read (" + oneLine(e) + ")", e);
        }
        if (n == 0) {
            throw new ImportException(file, "empty file");
        }
        if (n < head.length || !looksLikeSqlite(head)) {
            throw new ImportException(file, "not an SQLite database (an nsys export starts with 'SQLite format 3')");
        }
        try {
            long size = Files.size(file);
            if (size < 512 || size % 512 != 0) {
                throw new ImportException(file, "truncated SQLite database (" + size + " bytes is not a whole number of pages)");
            }
        } catch (IOException e) {
            throw new ImportException(file, "cannot read (" + oneLine(e) + ")", e);
        }
    }

    /** One read of one file. */
    private static final class Reader {
        private final Path file;
        private final Connection c;
        private final ConnectionSource connections;
        private final NsysSchema schema;
        private final ImportOptions options;
        private final ProgressListener progress;
        private final RowSinks sinks;
        private final StringTable strings = new StringTable();
        private final Map<String, long[]> issueCounts = new LinkedHashMap<>();
        private final Map<String, String> issueText = new HashMap<>();
        private final Map<String, Severity> issueSeverity = new HashMap<>();
        private int[] stringMap;            // nsys StringIds.id -> our id (dense case)
        private io.proflens.model.LongIntHashMap sparseStrings; // sparse case (no boxing per lookup)
        private final Map<Long, Integer> missingStrings = new HashMap<>();

        Reader(Path file, Connection c, ConnectionSource connections, NsysSchema schema, ImportOptions options, ProgressListener progress,
               RowSinks sinks) {
            this.sinks = sinks;
            this.connections = connections;
            this.file = file;
            this.c = c;
            this.schema = schema;
            this.options = options;
            this.progress = progress;
        }

        Trace read() throws SQLException, ImportException {
            Map<String, String> meta = readMetadata();
            readStrings();
            // Each event table is read by its own task on its own read-only connection; with 2+ cores the big
            // tables (kernels, runtime, NVTX) are scanned concurrently. Tasks share only synchronized state
            // (string interning, issue counts); each table has its own builder or sink.
            String kt = "CUPTI_ACTIVITY_KIND_KERNEL";
            String mt = "CUPTI_ACTIVITY_KIND_MEMCPY";
            String st = "CUPTI_ACTIVITY_KIND_MEMSET";
            String rt = "CUPTI_ACTIVITY_KIND_RUNTIME";
            String yt = "CUPTI_ACTIVITY_KIND_SYNCHRONIZATION";
            String nt = "NVTX_EVENTS";
            String ot = "OSRT_API";
            Object[] out = new Object[7];
            out[0] = KernelTable.empty(schema.has(kt));
            out[1] = MemcpyTable.empty(schema.has(mt));
            out[2] = MemsetTable.empty(schema.has(st));
            out[3] = ApiCallTable.empty(schema.has(rt));
            out[4] = SyncTable.empty(schema.has(yt));
            out[5] = NvtxTable.empty(schema.has(nt));
            out[6] = ApiCallTable.empty(schema.has(ot));
            List<TableTask> tasks = new ArrayList<>();
            if (schema.has(kt) && (sinks.kernels() != null || options.loads(TableKind.KERNEL))) {
                tasks.add(new TableTask(kt, "kernels", (tc, n, pl) -> {
                    if (sinks.kernels() != null) {
                        readKernels(tc, sinks.kernels(), false, n, pl);
                    } else {
                        KernelTable.Builder b = new KernelTable.Builder(true, options.launchConfig(), (int) n);
                        readKernels(tc, b, options.launchConfig(), n, pl);
                        out[0] = b.build();
                    }
                }));
            }
            if (schema.has(mt) && (sinks.memcpys() != null || options.loads(TableKind.MEMCPY))) {
                tasks.add(new TableTask(mt, "memcpy", (tc, n, pl) -> {
                    if (sinks.memcpys() != null) {
                        readMemcpys(tc, sinks.memcpys());
                    } else {
                        MemcpyTable.Builder b = new MemcpyTable.Builder(true, (int) n);
                        readMemcpys(tc, b);
                        out[1] = b.build();
                    }
                }));
            }
            if (schema.has(st) && (sinks.memsets() != null || options.loads(TableKind.MEMSET))) {
                tasks.add(new TableTask(st, "memset", (tc, n, pl) -> {
                    if (sinks.memsets() != null) {
                        readMemsets(tc, sinks.memsets());
                    } else {
                        MemsetTable.Builder b = new MemsetTable.Builder(true, (int) n);
                        readMemsets(tc, b);
                        out[2] = b.build();
                    }
                }));
            }
            if (schema.has(rt) && (sinks.cudaApi() != null || options.loads(TableKind.CUDA_API))) {
                tasks.add(new TableTask(rt, "CUDA API", (tc, n, pl) -> {
                    if (sinks.cudaApi() != null) {
                        readApi(tc, rt, sinks.cudaApi(), n, pl);
                    } else {
                        ApiCallTable.Builder b = new ApiCallTable.Builder(true, (int) n);
                        readApi(tc, rt, b, n, pl);
                        out[3] = b.build();
                    }
                }));
            }
            if (schema.has(yt) && options.loads(TableKind.SYNC)) {
                tasks.add(new TableTask(yt, "sync", (tc, n, pl) -> out[4] = readSyncs(tc, (int) n)));
            }
            if (schema.has(nt) && (sinks.nvtx() != null || options.loads(TableKind.NVTX))) {
                tasks.add(new TableTask(nt, "NVTX", (tc, n, pl) -> {
                    if (sinks.nvtx() != null) {
                        readNvtx(tc, sinks.nvtx(), n, pl);
                    } else {
                        NvtxTable.Builder b = new NvtxTable.Builder(true, (int) n);
                        readNvtx(tc, b, n, pl);
                        out[5] = b.build();
                    }
                }));
            }
            if (schema.has(ot) && (sinks.osRuntime() != null || options.loads(TableKind.OSRT))) {
                tasks.add(new TableTask(ot, "OS runtime", (tc, n, pl) -> {
                    if (sinks.osRuntime() != null) {
                        readApi(tc, ot, sinks.osRuntime(), n, pl);
                    } else {
                        ApiCallTable.Builder b = new ApiCallTable.Builder(true, (int) n);
                        readApi(tc, ot, b, n, pl);
                        out[6] = b.build();
                    }
                }));
            }
            runTasks(tasks);
            KernelTable kernels = (KernelTable) out[0];
            MemcpyTable memcpys = (MemcpyTable) out[1];
            MemsetTable memsets = (MemsetTable) out[2];
            ApiCallTable api = (ApiCallTable) out[3];
            SyncTable syncs = (SyncTable) out[4];
            NvtxTable nvtx = (NvtxTable) out[5];
            ApiCallTable osrt = (ApiCallTable) out[6];
            Map<Long, ThreadInfo> threads = readThreads();
            Map<Long, ProcessInfo> processes = readProcesses(threads, kernels, api);
            List<GpuDevice> devices = readDevices();

            LaunchLinks links = null;
            if (options.correlate() && options.loads(TableKind.KERNEL) && options.loads(TableKind.CUDA_API)
                    && options.loads(TableKind.MEMCPY) && options.loads(TableKind.MEMSET)
                    && sinks.kernels() == null && sinks.cudaApi() == null) {
                links = LaunchLinks.compute(kernels, memcpys, memsets, api);
                if (links.unmatchedKernels() > 0) {
                    issue("kernel.launch_not_in_capture", Severity.INFO, links.unmatchedKernels(),
                            "CUPTI_ACTIVITY_KIND_KERNEL: kernels whose launching API call is not in the capture"
                                    + " (no runtime row with the same correlationId in the same process)");
                }
                if (links.unmatchedMemops() > 0) {
                    issue("memop.launch_not_in_capture", Severity.INFO, links.unmatchedMemops(),
                            "CUPTI_ACTIVITY_KIND_MEMCPY/MEMSET: copies or sets whose API call is not in the capture");
                }
            }
            if (meta.containsKey("DERIVED_WINDOW_NS")) {
                issue("capture.sliced", Severity.INFO, 1, "capture is a window (" + meta.get("DERIVED_WINDOW_NS")
                        + " ns) sliced from " + meta.getOrDefault("DERIVED_FROM", "a longer capture")
                        + "; work launched before the window and ranges opened before it are missing");
            }
            if (!missingStrings.isEmpty()) {
                long n = 0;
                for (Integer v : missingStrings.values()) {
                    n += v;
                }
                issue("strings.dangling_id", Severity.WARNING, n, "StringIds: " + missingStrings.size()
                        + " referenced string id(s) missing; names shown as '[missing string N]'");
            }
            List<ImportIssue> issues = new ArrayList<>();
            for (Map.Entry<String, long[]> e : issueCounts.entrySet()) {
                issues.add(new ImportIssue(e.getKey(), issueSeverity.get(e.getKey()), e.getValue()[0],
                        issueText.get(e.getKey())));
            }
            String version = meta.get("EXPORT_PRODUCT_VERSION");
            String schemaVersion = meta.get("EXPORT_SCHEMA_VERSION");
            String producer = meta.getOrDefault("EXPORT_PRODUCT_NAME", "NVIDIA Nsight Systems");
            Long epoch = readSessionStart();
            boolean synthetic = "true".equalsIgnoreCase(meta.get("PROFLENS_SYNTHETIC"));
            TraceMetadata md = new TraceMetadata(file.toString(), FORMAT, producer, version, schemaVersion, epoch,
                    synthetic, meta);
            return new Trace(md, strings, kernels, memcpys, memsets, api, syncs, nvtx, osrt, threads, processes,
                    devices, issues, links);
        }

        /** Reads one table on its own connection: (connection, row count, progress) → side effects. */
        @FunctionalInterface
        private interface TableBody {
            void read(Connection tc, long rows, ProgressListener pl) throws SQLException;
        }

        private final class TableTask {
            final String table;
            final String label;
            final TableBody body;
            long rows;

            TableTask(String table, String label, TableBody body) {
                this.table = table;
                this.label = label;
                this.body = body;
            }
        }

        /**
         * Counts rows (for presizing), then runs the tasks largest first on up to {@code availableProcessors}
         * threads; only the largest table reports progress (bars from parallel tasks would interleave).
         */
        private void runTasks(List<TableTask> tasks) throws SQLException, ImportException {
            for (TableTask t : tasks) {
                t.rows = count(c, t.table);
            }
            tasks.sort((a, b) -> Long.compare(b.rows, a.rows));
            int threads = Math.max(1, Math.min(tasks.size(), Runtime.getRuntime().availableProcessors()));
            if (threads <= 1) {
                for (TableTask t : tasks) {
                    t.body.read(c, t.rows, t == tasks.get(0) ? progress : ProgressListener.NONE);
                }
                return;
            }
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads, r -> {
                Thread th = new Thread(r, "proflens-import");
                th.setDaemon(true);
                return th;
            });
            try {
                List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
                for (TableTask t : tasks) {
                    ProgressListener pl = t == tasks.get(0) ? progress : ProgressListener.NONE;
                    futures.add(pool.submit(() -> {
                        try (Connection tc = connections.open()) {
                            t.body.read(tc, t.rows, pl);
                        }
                        return null;
                    }));
                }
                for (java.util.concurrent.Future<?> f : futures) {
                    try {
                        f.get();
                    } catch (java.util.concurrent.ExecutionException e) {
                        Throwable cause = e.getCause();
                        if (cause instanceof SQLException) {
                            throw (SQLException) cause;
                        }
                        if (cause instanceof RuntimeException) {
                            throw (RuntimeException) cause;
                        }
                        if (cause instanceof Error) {
                            throw (Error) cause;
                        }
                        throw new SQLException(cause);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new ImportException(file, "interrupted while reading", e);
                    }
                }
            } finally {
                pool.shutdownNow();
            }
        }

        private synchronized int intern(String value) {
            return strings.intern(value);
        }

        /** Reads the shared string table under the same lock as {@link #intern} (table tasks run concurrently). */
        private synchronized String stringOf(int id) {
            return strings.get(id);
        }

        private synchronized void issue(String code, Severity sev, long n, String text) {
            if (n <= 0) {
                return;
            }
            issueCounts.computeIfAbsent(code, k -> new long[1])[0] += n;
            issueText.putIfAbsent(code, text);
            issueSeverity.putIfAbsent(code, sev);
        }

        private Map<String, String> readMetadata() throws SQLException {
            Map<String, String> meta = new TreeMap<>();
            for (String t : new String[] {"EXPORT_META_DATA", "META_DATA_EXPORT", "META_DATA_CAPTURE"}) {
                if (schema.has(t, "name") && schema.has(t, "value")) {
                    try (Statement st = c.createStatement();
                         ResultSet rs = st.executeQuery("SELECT name, value FROM " + t)) {
                        while (rs.next()) {
                            String k = rs.getString(1);
                            if (k != null) {
                                meta.putIfAbsent(t.equals("META_DATA_CAPTURE") ? "CAPTURE_" + k : k, rs.getString(2));
                            }
                        }
                    }
                }
            }
            return meta;
        }

        private Long readSessionStart() throws SQLException {
            if (!schema.has("TARGET_INFO_SESSION_START_TIME", "utcEpochNs")) {
                return null;
            }
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT utcEpochNs FROM TARGET_INFO_SESSION_START_TIME LIMIT 1")) {
                if (rs.next()) {
                    long v = rs.getLong(1);
                    return rs.wasNull() ? null : v;
                }
            }
            return null;
        }

        private void readStrings() throws SQLException {
            if (!schema.has("StringIds")) {
                stringMap = new int[0];
                return;
            }
            long count;
            long maxId;
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*), coalesce(max(id), -1) FROM StringIds")) {
                rs.next();
                count = rs.getLong(1);
                maxId = rs.getLong(2);
            }
            boolean dense = maxId < 4 * count + 1024 && maxId < Integer.MAX_VALUE - 8;
            if (dense) {
                stringMap = new int[(int) maxId + 1];
                Arrays.fill(stringMap, Integer.MIN_VALUE);
            } else {
                sparseStrings = new io.proflens.model.LongIntHashMap((int) Math.min(1 << 24, Math.max(16, count)));
            }
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT id, value FROM StringIds")) {
                while (rs.next()) {
                    long id = rs.getLong(1);
                    int ours = strings.intern(rs.getString(2));
                    if (dense) {
                        if (id >= 0) {
                            stringMap[(int) id] = ours;
                        }
                    } else {
                        if (id != Long.MIN_VALUE) {
                            sparseStrings.putIfAbsent(id, ours);
                        }
                    }
                }
            }
        }

        /** Maps an nsys string id to ours; NULL (-1 sentinel) gives NONE; dangling ids get a placeholder. */
        private int str(long nsysId) {
            if (nsysId == Long.MIN_VALUE) {
                return StringTable.NONE;
            }
            if (stringMap != null && sparseStrings == null) {
                if (nsysId >= 0 && nsysId < stringMap.length) {
                    int v = stringMap[(int) nsysId];
                    if (v != Integer.MIN_VALUE) {
                        return v;
                    }
                }
            } else if (sparseStrings != null) {
                int v = sparseStrings.get(nsysId);
                if (v >= 0) {
                    return v;
                }
            }
            synchronized (this) {
                missingStrings.merge(nsysId, 1, Integer::sum);
                return strings.intern("[missing string " + nsysId + "]");
            }
        }

        private int count(Connection c, String table) throws SQLException {
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
                rs.next();
                long n = rs.getLong(1);
                if (n > Integer.MAX_VALUE - 16) {
                    throw new SQLException(table + " has " + n + " rows; more than proflens holds per table");
                }
                return (int) n;
            }
        }

        private static final String NULL_LONG = String.valueOf(Long.MIN_VALUE);

        private void readKernels(Connection c, RowSinks.KernelSink b, boolean lc, long n, ProgressListener progress)
                throws SQLException {
            String t = "CUPTI_ACTIVITY_KIND_KERNEL";
            KernelTable.Builder store = lc && b instanceof KernelTable.Builder ? (KernelTable.Builder) b : null;
            String sql = "SELECT start, coalesce(end, start), " + schema.colOr(t, "deviceId", "0") + ", "
                    + schema.colOr(t, "contextId", "0") + ", " + schema.colOr(t, "streamId", "0") + ", "
                    + schema.colOr(t, "correlationId", "0") + ", " + schema.colOr(t, "globalPid", "0") + ", "
                    + schema.colOr(t, "demangledName", NULL_LONG) + ", " + schema.colOr(t, "shortName", NULL_LONG) + ", "
                    + schema.colOr(t, "mangledName", NULL_LONG)
                    + (lc ? ", " + schema.colOr(t, "gridX", "0") + ", " + schema.colOr(t, "gridY", "0") + ", "
                    + schema.colOr(t, "gridZ", "0") + ", " + schema.colOr(t, "blockX", "0") + ", "
                    + schema.colOr(t, "blockY", "0") + ", " + schema.colOr(t, "blockZ", "0") + ", "
                    + schema.colOr(t, "registersPerThread", "0") + ", " + schema.colOr(t, "staticSharedMemory", "0")
                    + ", " + schema.colOr(t, "dynamicSharedMemory", "0") : "")
                    + " FROM " + t + " ORDER BY rowid";
            long negative = 0;
            long nullEnd = 0;
            long rows = 0;
            progress.begin("kernels", n);
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                while (rs.next()) {
                    long s = rs.getLong(1);
                    long e = rs.getLong(2);
                    if (e < s) {
                        negative++;
                    }
                    int dem = str(rs.getLong(8));
                    int sh = str(rs.getLong(9));
                    long mangledRaw = rs.getLong(10);
                    int man = mangledRaw == Long.MIN_VALUE ? StringTable.NONE : str(mangledRaw);
                    if (dem == StringTable.NONE) {
                        dem = sh;
                    }
                    int i = b.kernel(s, e, rs.getInt(3), rs.getInt(4), rs.getInt(5), rs.getInt(6), rs.getLong(7),
                            dem, sh, man);
                    rows++;
                    if (store != null) {
                        store.launchConfig(i, rs.getInt(11), rs.getInt(12), rs.getInt(13), rs.getInt(14), rs.getInt(15),
                                rs.getInt(16), rs.getInt(17), rs.getInt(18), rs.getInt(19));
                    }
                    if ((rows & (PROGRESS_EVERY - 1)) == 0) {
                        progress.advance(rows);
                    }
                }
            }
            progress.end();
            issue("kernel.negative_duration", Severity.WARNING, negative,
                    t + ": rows with end < start (kept, as nsys keeps them)");
            issue("kernel.null_end", Severity.WARNING, nullEnd, t + ": rows without end");
        }

        private void readMemcpys(Connection c, RowSinks.MemcpySink b) throws SQLException {
            String t = "CUPTI_ACTIVITY_KIND_MEMCPY";
            if (!schema.has(t)) {
                return;
            }
            String sql = "SELECT start, coalesce(end, start), " + schema.colOr(t, "deviceId", "0") + ", "
                    + schema.colOr(t, "contextId", "0") + ", " + schema.colOr(t, "streamId", "0") + ", "
                    + schema.colOr(t, "correlationId", "0") + ", " + schema.colOr(t, "globalPid", "0") + ", "
                    + schema.colOr(t, "bytes", "0") + ", " + schema.colOr(t, "copyKind", "0") + ", "
                    + schema.colOr(t, "srcKind", "-1") + ", " + schema.colOr(t, "dstKind", "-1")
                    + " FROM " + t + " ORDER BY rowid";
            long negative = 0;
            long unknownKind = 0;
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                while (rs.next()) {
                    long s = rs.getLong(1);
                    long e = rs.getLong(2);
                    if (e < s) {
                        negative++;
                    }
                    int kind = rs.getInt(9);
                    int src = rs.getInt(10);
                    int dst = rs.getInt(11);
                    if (MemcpyKind.ofId(kind) == null || (src >= 0 && MemoryKind.ofId(src) == null)
                            || (dst >= 0 && MemoryKind.ofId(dst) == null)) {
                        unknownKind++;
                    }
                    b.memcpy(s, e, rs.getInt(3), rs.getInt(4), rs.getInt(5), rs.getInt(6), rs.getLong(7), rs.getLong(8),
                            kind, src, dst);
                }
            }
            issue("memcpy.negative_duration", Severity.WARNING, negative, t + ": rows with end < start (kept)");
            issue("memcpy.unknown_kind", Severity.WARNING, unknownKind,
                    t + ": copyKind/srcKind/dstKind values outside the known enums (rows dropped by the memcpy summaries, as nsys's inner join drops them)");
        }

        private void readMemsets(Connection c, RowSinks.MemsetSink b) throws SQLException {
            String t = "CUPTI_ACTIVITY_KIND_MEMSET";
            if (!schema.has(t)) {
                return;
            }
            String sql = "SELECT start, coalesce(end, start), " + schema.colOr(t, "deviceId", "0") + ", "
                    + schema.colOr(t, "contextId", "0") + ", " + schema.colOr(t, "streamId", "0") + ", "
                    + schema.colOr(t, "correlationId", "0") + ", " + schema.colOr(t, "globalPid", "0") + ", "
                    + schema.colOr(t, "bytes", "0") + ", " + schema.colOr(t, "memKind", "-1") + ", "
                    + schema.colOr(t, "value", "0") + " FROM " + t + " ORDER BY rowid";
            long negative = 0;
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                while (rs.next()) {
                    long s = rs.getLong(1);
                    long e = rs.getLong(2);
                    if (e < s) {
                        negative++;
                    }
                    b.memset(s, e, rs.getInt(3), rs.getInt(4), rs.getInt(5), rs.getInt(6), rs.getLong(7), rs.getLong(8),
                            rs.getInt(9), rs.getInt(10));
                }
            }
            issue("memset.negative_duration", Severity.WARNING, negative, t + ": rows with end < start (kept)");
        }

        private SyncTable readSyncs(Connection c, int n) throws SQLException {
            String t = "CUPTI_ACTIVITY_KIND_SYNCHRONIZATION";
            SyncTable.Builder b = new SyncTable.Builder(true, n);
            String sql = "SELECT start, coalesce(end, start), " + schema.colOr(t, "deviceId", "0") + ", "
                    + schema.colOr(t, "contextId", "0") + ", " + schema.colOr(t, "streamId", "0") + ", "
                    + schema.colOr(t, "correlationId", "0") + ", " + schema.colOr(t, "globalPid", "0") + ", "
                    + schema.colOr(t, "syncType", "0") + " FROM " + t + " ORDER BY rowid";
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                while (rs.next()) {
                    b.add(rs.getLong(1), rs.getLong(2), rs.getInt(3), rs.getInt(4), rs.getInt(5), rs.getInt(6),
                            rs.getLong(7), rs.getInt(8));
                }
            }
            return b.build();
        }

        private void readApi(Connection c, String t, RowSinks.ApiCallSink b, long n, ProgressListener progress)
                throws SQLException {
            String label = t.equals("OSRT_API") ? "OS runtime" : "CUDA API";
            String sql = "SELECT start, coalesce(end, start), " + schema.colOr(t, "globalTid", "0") + ", "
                    + schema.colOr(t, "correlationId", "0") + ", " + schema.colOr(t, "nameId", NULL_LONG) + ", "
                    + schema.colOr(t, "eventClass", "0") + ", " + schema.colOr(t, "returnValue", "0") + ", "
                    + schema.colOr(t, "nestingLevel", "0") + " FROM " + t + " ORDER BY rowid";
            long negative = 0;
            long rows = 0;
            progress.begin(label, n);
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                while (rs.next()) {
                    long s = rs.getLong(1);
                    long e = rs.getLong(2);
                    if (e < s) {
                        negative++;
                    }
                    b.call(s, e, rs.getLong(3), rs.getInt(4), str(rs.getLong(5)), rs.getInt(6), rs.getInt(7),
                            rs.getInt(8));
                    if ((++rows & (PROGRESS_EVERY - 1)) == 0) {
                        progress.advance(rows);
                    }
                }
            }
            progress.end();
            issue(t.equals("OSRT_API") ? "osrt.negative_duration" : "cuda_api.negative_duration", Severity.WARNING,
                    negative, t + ": rows with end < start (kept)");
        }

        private void readNvtx(Connection c, RowSinks.NvtxSink b, long n, ProgressListener progress) throws SQLException {
            String t = "NVTX_EVENTS";
            if (!schema.has(t)) {
                return;
            }
            // Domain names: type-75 rows, keyed by (process, domainId).
            Map<Long, String> domainNames = new HashMap<>();
            boolean hasDomain = schema.has(t, "domainId");
            String textExpr = schema.has(t, "text") ? "\"text\"" : "NULL";
            String textIdExpr = schema.colOr(t, "textId", NULL_LONG);
            if (hasDomain) {
                try (Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("SELECT " + schema.colOr(t, "globalTid", "0") + ", domainId, "
                             + textExpr + ", " + textIdExpr + " FROM " + t + " WHERE eventType = 75 ORDER BY rowid")) {
                    while (rs.next()) {
                        String name = rs.getString(3);
                        if (name == null) {
                            long tid = rs.getLong(4);
                            name = tid == Long.MIN_VALUE ? null : stringOf(str(tid));
                        }
                        domainNames.putIfAbsent(domainKey(rs.getLong(1), rs.getLong(2)), name);
                    }
                }
            }
            String sql = "SELECT start, " + schema.colOr(t, "end", NULL_LONG) + ", eventType, " + textExpr + ", "
                    + textIdExpr + ", " + (hasDomain ? "coalesce(domainId, 0)" : "0") + ", "
                    + schema.colOr(t, "globalTid", "0") + ", " + schema.colOr(t, "endGlobalTid", "0")
                    + " FROM " + t + " ORDER BY rowid";
            long nullEnd = 0;
            long negative = 0;
            long unnamedDomain = 0;
            java.util.Set<Integer> unnamedDomainIds = new java.util.TreeSet<>();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                while (rs.next()) {
                    long s = rs.getLong(1);
                    long e = rs.getLong(2);
                    int type = rs.getInt(3);
                    String text = rs.getString(4);
                    int textId;
                    if (text != null) {
                        textId = intern(text);
                    } else {
                        textId = str(rs.getLong(5));
                    }
                    int domainId = rs.getInt(6);
                    long gtid = rs.getLong(7);
                    boolean range = type == NvtxTable.PUSH_POP || type == NvtxTable.START_END
                            || type == NvtxTable.NVTXT_PUSH_POP || type == NvtxTable.NVTXT_START_END;
                    if (e == Long.MIN_VALUE) {
                        e = IntervalTable.NO_END;
                        if (range) {
                            nullEnd++;
                        }
                    } else if (e < s) {
                        negative++;
                    }
                    int domainNameId = StringTable.NONE;
                    if (domainId != 0) {
                        String dn = domainNames.get(domainKey(gtid, domainId));
                        if (dn != null) {
                            domainNameId = intern(dn);
                        } else if (range) {
                            unnamedDomain++;
                            unnamedDomainIds.add(domainId);
                        }
                    }
                    b.nvtx(s, e, type, textId, domainId, domainNameId, gtid, rs.getLong(8));
                }
            }
            issue("nvtx.null_end", Severity.WARNING, nullEnd,
                    t + ": ranges without end (excluded from summaries, as nsys does)");
            issue("nvtx.negative_duration", Severity.WARNING, negative, t + ": ranges with end < start (kept)");
            issue("nvtx.unnamed_domain", Severity.INFO, unnamedDomain, t + ": ranges in domain(s) " + unnamedDomainIds
                    + " whose domain-create event is not in the file; shown as ':<text>' without a domain name");
        }

        private static long domainKey(long globalTid, long domainId) {
            return (GlobalIds.processOf(globalTid) >>> 24) * 1_000_003L + domainId;
        }

        private Map<Long, ThreadInfo> readThreads() throws SQLException {
            Map<Long, ThreadInfo> threads = new TreeMap<>();
            String t = "ThreadNames";
            if (schema.has(t, "globalTid") && schema.has(t, "nameId")) {
                try (Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("SELECT globalTid, nameId, " + schema.colOr(t, "priority", "0")
                             + " FROM " + t + " ORDER BY rowid")) {
                    while (rs.next()) {
                        long g = rs.getLong(1);
                        int nameId = str(rs.getLong(2));
                        threads.put(g, new ThreadInfo(g, strings.get(nameId), rs.getInt(3)));
                    }
                }
            }
            return threads;
        }

        private Map<Long, ProcessInfo> readProcesses(Map<Long, ThreadInfo> threads, KernelTable kernels,
                                                     ApiCallTable api) throws SQLException {
            Map<Long, ProcessInfo> processes = new TreeMap<>();
            String t = "PROCESSES";
            if (schema.has(t, "globalPid")) {
                try (Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("SELECT globalPid, " + schema.colOr(t, "pid", "0") + ", "
                             + schema.col(t, "name", "NULL") + " FROM " + t + " ORDER BY rowid")) {
                    while (rs.next()) {
                        long g = rs.getLong(1);
                        processes.put(g, new ProcessInfo(g, rs.getInt(2), rs.getString(3)));
                    }
                }
            }
            // Exports before 2023 have no PROCESSES table: derive processes from the ids seen.
            for (Long tid : threads.keySet()) {
                long g = GlobalIds.processOf(tid);
                processes.putIfAbsent(g, new ProcessInfo(g, GlobalIds.pid(g), null));
            }
            for (int i = 0; i < kernels.size(); i++) {
                long g = kernels.globalPid(i);
                if (!processes.containsKey(g)) {
                    processes.put(g, new ProcessInfo(g, GlobalIds.pid(g), null));
                }
            }
            for (int i = 0; i < api.size(); i++) {
                long g = GlobalIds.processOf(api.globalTid(i));
                if (!processes.containsKey(g)) {
                    processes.put(g, new ProcessInfo(g, GlobalIds.pid(g), null));
                }
            }
            return processes;
        }

        private List<GpuDevice> readDevices() throws SQLException {
            List<GpuDevice> devices = new ArrayList<>();
            String t = "TARGET_INFO_GPU";
            if (schema.has(t, "id")) {
                String sql = "SELECT id, " + schema.col(t, "name", "NULL") + ", " + schema.col(t, "smCount", "NULL")
                        + ", " + schema.col(t, "computeMajor", "NULL") + ", " + schema.col(t, "computeMinor", "NULL")
                        + ", " + schema.col(t, "totalMemory", "NULL") + ", " + schema.col(t, "memoryBandwidth", "NULL")
                        + ", " + schema.col(t, "clockRate", "NULL") + ", " + schema.col(t, "busLocation", "NULL")
                        + " FROM " + t + " ORDER BY rowid";
                readDeviceRows(sql, devices);
            } else if (schema.has("TARGET_INFO_CUDA_GPU")) {
                t = "TARGET_INFO_CUDA_GPU";
                String sql = "SELECT " + schema.colOr(t, "deviceId", "rowid - 1") + ", " + schema.col(t, "name", "NULL")
                        + ", " + schema.col(t, "numMultiprocessors", "NULL") + ", "
                        + schema.col(t, "computeCapabilityMajor", "NULL") + ", "
                        + schema.col(t, "computeCapabilityMinor", "NULL") + ", " + schema.col(t, "globalMemorySize", "NULL")
                        + ", " + schema.col(t, "globalMemoryBandwidth", "NULL") + ", "
                        + schema.col(t, "coreClockRate", "NULL") + ", " + schema.col(t, "pciBusId", "NULL")
                        + " FROM " + t + " ORDER BY rowid";
                readDeviceRows(sql, devices);
            }
            return devices;
        }

        private void readDeviceRows(String sql, List<GpuDevice> devices) throws SQLException {
            java.util.Set<Integer> seen = new java.util.HashSet<>();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                while (rs.next()) {
                    int id = rs.getInt(1);
                    if (!seen.add(id)) {
                        continue;
                    }
                    devices.add(new GpuDevice(id, rs.getString(2), intOrNull(rs, 3), intOrNull(rs, 4), intOrNull(rs, 5),
                            longOrNull(rs, 6), longOrNull(rs, 7), longOrNull(rs, 8), rs.getString(9)));
                }
            }
        }

        private static Integer intOrNull(ResultSet rs, int col) throws SQLException {
            int v = rs.getInt(col);
            return rs.wasNull() ? null : v;
        }

        private static Long longOrNull(ResultSet rs, int col) throws SQLException {
            long v = rs.getLong(col);
            return rs.wasNull() ? null : v;
        }
    }
}
