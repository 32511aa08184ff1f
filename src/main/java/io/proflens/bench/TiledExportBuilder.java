package io.proflens.bench;

import io.proflens.ingest.ProgressListener;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Builds a large Nsight Systems SQLite export by <em>tiling</em> a real one: the event rows of the source are
 * appended N times, each copy (tile) shifted in time and in correlation id, so that the result looks like
 * one long capture of the same workload. Used by {@link Benchmark} to make 1M- and 10M-kernel inputs.
 *
 * <h2>What the output holds</h2>
 * <ul>
 *   <li>The source's schema, recreated from its {@code sqlite_master} SQL (tables first; indexes, views and
 *       triggers after the data so inserts stay fast).</li>
 *   <li>Every non-event table ({@code StringIds}, {@code ThreadNames}, {@code PROCESSES},
 *       {@code META_DATA_EXPORT}, {@code ENUM_*}, {@code TARGET_INFO_*}, ...) copied once, unchanged.</li>
 *   <li>For tile {@code t = 0..N-1}, every row of each event table of {@link #EVENT_TABLES} that exists in
 *       the source, in source row order, with
 *       <ul>
 *         <li>{@code start}, {@code end} (and the kernel's {@code qmd*Done} timestamps) plus
 *             {@code t × timeStride}, {@code timeStride = (max end − min start over all event tables) + 1 ms}
 *             in ns, so tiles never overlap and appear in time order;</li>
 *         <li>positive {@code correlationId}s plus {@code t × corrStride},
 *             {@code corrStride = max − min + 1} of the positive correlation ids over all event tables, so
 *             tile t's ids occupy a range no other tile uses and correlation stays unique per process (ids
 *             ≤ 0 or NULL, meaning "none", are kept). The stride is the id <em>range</em> rather than
 *             {@code max + 1} so that ids stay below 2^31 (proflens stores them as {@code int}): with
 *             {@code max + 1} the FastVideo Wan export would overflow after ~1400 tiles (~4.9M kernels).</li>
 *       </ul></li>
 *   <li>Bookkeeping rows appended to {@code META_DATA_EXPORT} (or {@code EXPORT_META_DATA} in 2023.1–2023.2
 *       exports; created when the source has neither): {@link #META_TILED_FROM} = absolute source path,
 *       {@link #META_TILES} = N, {@link #META_SOURCE_SHA256}, the two strides and
 *       {@code PROFLENS_ROWS_<table>} = row count of each tiled table.</li>
 * </ul>
 *
 * <h2>How</h2>
 * All copying happens inside SQLite: the output is opened with sqlite-jdbc ({@code journal_mode=OFF},
 * {@code synchronous=OFF}, one transaction), the source is attached <b>read-only and immutable</b>
 * ({@code ATTACH 'file:<source>?mode=ro&immutable=1' AS src}) and each tile is one
 * {@code INSERT INTO main.T (...) SELECT <shifted columns> FROM src.T} per table. The file is written under a
 * temporary name in the output directory, flushed to disk ({@code fsync}) and then moved to its final name
 * (atomically where the file system allows), so a reader never sees a half-written export and the page cache
 * holds no dirty pages of it afterwards. Before starting, the free space of the output directory's file store
 * must be at least 3 × the estimated size ({@code source bytes × N}); otherwise an {@link IOException} with a
 * clear message is thrown and nothing is written.
 *
 * <p>Speed (measured on a 2-vCPU VM): the Wan export tiled to 1M kernels (291 tiles, 548 MiB) takes ~4–5 s,
 * to 10M kernels (2906 tiles, 5.4 GiB) ~50 s; the builder's own memory stays ~150 MB.
 */
public final class TiledExportBuilder {
    /** Event tables that are tiled (when present in the source), in copy order. All other tables are copied once. */
    public static final List<String> EVENT_TABLES = List.of("CUPTI_ACTIVITY_KIND_KERNEL", "CUPTI_ACTIVITY_KIND_RUNTIME",
            "CUPTI_ACTIVITY_KIND_MEMCPY", "CUPTI_ACTIVITY_KIND_MEMSET", "CUPTI_ACTIVITY_KIND_SYNCHRONIZATION",
            "NVTX_EVENTS", "OSRT_API");
    /** Kernel table name. */
    public static final String KERNEL = "CUPTI_ACTIVITY_KIND_KERNEL";
    /** CUDA runtime/driver API table name. */
    public static final String RUNTIME = "CUPTI_ACTIVITY_KIND_RUNTIME";
    /** NVTX table name. */
    public static final String NVTX = "NVTX_EVENTS";
    /** Gap between the end of one tile and the start of the next, ns. */
    public static final long TILE_GAP_NS = 1_000_000L;
    /** Metadata name: absolute path of the source export. */
    public static final String META_TILED_FROM = "PROFLENS_TILED_FROM";
    /** Metadata name: number of tiles. */
    public static final String META_TILES = "PROFLENS_TILES";
    /** Metadata name: SHA-256 (hex) of the source export. */
    public static final String META_SOURCE_SHA256 = "PROFLENS_SOURCE_SHA256";
    /** Metadata name: time shift between consecutive tiles, ns. */
    public static final String META_TIME_STRIDE = "PROFLENS_TILE_TIME_STRIDE_NS";
    /** Metadata name: correlation id shift between consecutive tiles. */
    public static final String META_CORRELATION_STRIDE = "PROFLENS_TILE_CORRELATION_STRIDE";
    /** Metadata name prefix for row counts of tiled tables: {@code PROFLENS_ROWS_<table>}. */
    public static final String META_ROWS_PREFIX = "PROFLENS_ROWS_";
    /** Free space required, as a multiple of the estimated output size. */
    public static final int FREE_SPACE_FACTOR = 3;

    private TiledExportBuilder() {
    }

    /**
     * What a source export holds, as far as tiling is concerned.
     *
     * @param file             the source export
     * @param bytes            its size, bytes
     * @param sha256           hex SHA-256 of its content
     * @param eventRows        row count per event table present (order of {@link #EVENT_TABLES})
     * @param minStartNs       smallest {@code start} over the event tables, ns
     * @param maxEndNs         largest {@code end} (or {@code start} where end is NULL) over the event tables, ns
     * @param minCorrelationId smallest positive correlation id over the event tables (0 when none)
     * @param maxCorrelationId largest correlation id over the event tables (0 when none)
     */
    public record SourceInfo(Path file, long bytes, String sha256, Map<String, Long> eventRows, long minStartNs,
                             long maxEndNs, long minCorrelationId, long maxCorrelationId) {
        public SourceInfo {
            eventRows = Collections.unmodifiableMap(new LinkedHashMap<>(eventRows));
        }

        /** @return kernel rows of the source. */
        public long kernels() {
            return eventRows.getOrDefault(KERNEL, 0L);
        }

        /** @return time shift between tiles, ns: span of the event tables + {@link #TILE_GAP_NS}. */
        public long timeStrideNs() {
            return Math.max(0, maxEndNs - minStartNs) + TILE_GAP_NS;
        }

        /** @return correlation id shift between tiles (id range of the source; 0 when it has no ids). */
        public long correlationStride() {
            return maxCorrelationId > 0 ? maxCorrelationId - minCorrelationId + 1 : 0;
        }

        /** @return the number of tiles needed for at least {@code targetKernels} kernels (at least 1). */
        public long tilesFor(long targetKernels) {
            long k = kernels();
            if (k <= 0) {
                throw new IllegalStateException(file + ": source export has no kernel rows; cannot tile to a kernel count");
            }
            return Math.max(1, (targetKernels + k - 1) / k);
        }

        /** @return rough size of an N-tile output: source bytes × N (the event tables dominate the file). */
        public long estimatedBytes(long tiles) {
            return Math.multiplyExact(bytes, Math.max(1, tiles));
        }
    }

    /**
     * A tiled export.
     *
     * @param file              the output file
     * @param source            absolute path of the source export
     * @param sourceSha256      hex SHA-256 of the source
     * @param tiles             number of tiles
     * @param rows              rows per tiled event table (source rows × tiles)
     * @param fileBytes         output size, bytes
     * @param timeStrideNs      time shift between tiles, ns
     * @param correlationStride correlation id shift between tiles
     * @param buildNanos        build wall time, ns (0 when the file was only {@linkplain #describe described})
     */
    public record Result(Path file, String source, String sourceSha256, long tiles, Map<String, Long> rows,
                         long fileBytes, long timeStrideNs, long correlationStride, long buildNanos) {
        public Result {
            rows = Collections.unmodifiableMap(new LinkedHashMap<>(rows));
        }

        /** @return rows of {@code table} (0 when absent). */
        public long rows(String table) {
            return rows.getOrDefault(table, 0L);
        }
    }

    /**
     * Builds {@code out} from {@code source} with as many tiles as needed for at least {@code targetKernels}
     * kernel rows ({@code ceil(targetKernels / source kernels)}). Same as
     * {@link #buildTiles(Path, Path, long, ProgressListener) buildTiles}{@code (source, out, tiles, p)}.
     *
     * @param source        the real export; opened read-only and immutable, never modified
     * @param out           the output file (replaced if it exists); must differ from {@code source}
     * @param targetKernels minimum number of kernel rows in the output
     * @param p             progress: one task "tiling" with one step per tile
     * @throws IOException on a bad source, insufficient disk space or an SQLite error
     */
    public static void build(Path source, Path out, long targetKernels, ProgressListener p) throws IOException {
        SourceInfo info = inspect(source);
        long tiles;
        try {
            tiles = info.tilesFor(targetKernels);
        } catch (IllegalStateException e) {
            throw new IOException(e.getMessage(), e);
        }
        buildTiles(info, out, tiles, p);
    }

    /**
     * Builds {@code out} with exactly {@code tiles} tiles of {@code source}.
     *
     * @return what was written
     * @throws IOException on a bad source, insufficient disk space or an SQLite error
     */
    public static Result buildTiles(Path source, Path out, long tiles, ProgressListener p) throws IOException {
        return buildTiles(inspect(source), out, tiles, p);
    }

    /**
     * Reads the row counts, time span and correlation id range of {@code source} (read-only) and hashes it.
     *
     * @throws IOException when the file is missing or not an SQLite database
     */
    public static SourceInfo inspect(Path source) throws IOException {
        if (!Files.isRegularFile(source)) {
            throw new IOException(source + ": no such file");
        }
        long bytes = Files.size(source);
        String sha = SqliteFiles.sha256(source);
        Map<String, Long> rows = new LinkedHashMap<>();
        long minStart = Long.MAX_VALUE;
        long maxEnd = Long.MIN_VALUE;
        long minCorr = Long.MAX_VALUE;
        long maxCorr = 0;
        try (Connection c = SqliteFiles.openReadOnly(source)) {
            Map<String, List<String>> tables = SqliteFiles.tables(c, "main");
            for (String t : EVENT_TABLES) {
                List<String> cols = tables.get(t);
                if (cols == null) {
                    continue;
                }
                String q = SqliteFiles.ident(t);
                rows.put(t, SqliteFiles.queryLong(c, "SELECT count(*) FROM " + q, 0));
                if (cols.contains("start")) {
                    minStart = Math.min(minStart, SqliteFiles.queryLong(c, "SELECT min(start) FROM " + q, Long.MAX_VALUE));
                    maxEnd = Math.max(maxEnd, SqliteFiles.queryLong(c, "SELECT max(start) FROM " + q, Long.MIN_VALUE));
                }
                if (cols.contains("end")) {
                    maxEnd = Math.max(maxEnd, SqliteFiles.queryLong(c, "SELECT max(\"end\") FROM " + q, Long.MIN_VALUE));
                }
                if (cols.contains("correlationId")) {
                    minCorr = Math.min(minCorr, SqliteFiles.queryLong(c,
                            "SELECT min(correlationId) FROM " + q + " WHERE correlationId > 0", Long.MAX_VALUE));
                    maxCorr = Math.max(maxCorr, SqliteFiles.queryLong(c, "SELECT max(correlationId) FROM " + q, 0));
                }
            }
        } catch (SQLException e) {
            throw new IOException(source + ": cannot read as SQLite export (" + SqliteFiles.oneLine(e) + ")", e);
        }
        if (rows.isEmpty()) {
            throw new IOException(source + ": no Nsight Systems event tables (" + String.join(", ", EVENT_TABLES) + ")");
        }
        if (minStart == Long.MAX_VALUE) {
            minStart = 0;
            maxEnd = 0;
        }
        if (minCorr == Long.MAX_VALUE) {
            minCorr = 0;
        }
        return new SourceInfo(source.toAbsolutePath().normalize(), bytes, sha, rows, minStart, maxEnd, minCorr, maxCorr);
    }

    /**
     * Reads the bookkeeping rows of a tiled export (read-only), without counting rows.
     *
     * @return the description, or empty when {@code file} does not exist or is not a tiled export
     */
    public static Optional<Result> describe(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try (Connection c = SqliteFiles.openReadOnly(file)) {
            Map<String, List<String>> tables = SqliteFiles.tables(c, "main");
            Map<String, String> meta = new LinkedHashMap<>();
            for (String mt : List.of("META_DATA_EXPORT", "EXPORT_META_DATA")) {
                if (!tables.containsKey(mt)) {
                    continue;
                }
                try (Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("SELECT name, value FROM " + mt + " WHERE name LIKE 'PROFLENS\\_%' ESCAPE '\\'")) {
                    while (rs.next()) {
                        meta.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
            if (!meta.containsKey(META_TILED_FROM) || !meta.containsKey(META_TILES)) {
                return Optional.empty();
            }
            Map<String, Long> rows = new LinkedHashMap<>();
            for (String t : EVENT_TABLES) {
                String v = meta.get(META_ROWS_PREFIX + t);
                if (v != null) {
                    rows.put(t, Long.parseLong(v));
                }
            }
            return Optional.of(new Result(file, meta.get(META_TILED_FROM), meta.get(META_SOURCE_SHA256),
                    Long.parseLong(meta.get(META_TILES)), rows, Files.size(file),
                    Long.parseLong(meta.getOrDefault(META_TIME_STRIDE, "0")),
                    Long.parseLong(meta.getOrDefault(META_CORRELATION_STRIDE, "0")), 0));
        } catch (SQLException | IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Builds {@code out} with {@code tiles} tiles of an inspected source.
     *
     * @return what was written
     * @throws IOException on insufficient disk space, a bad output location or an SQLite error
     */
    public static Result buildTiles(SourceInfo src, Path out, long tiles, ProgressListener p) throws IOException {
        if (tiles < 1) {
            throw new IllegalArgumentException("tiles must be >= 1, got " + tiles);
        }
        Path target = out.toAbsolutePath().normalize();
        if (target.equals(src.file()) || (Files.exists(target) && Files.isSameFile(target, src.file()))) {
            throw new IOException(out + ": output must not be the source export");
        }
        long timeStride = src.timeStrideNs();
        long corrStride = src.correlationStride();
        // Last tile's shifts must not overflow.
        Math.multiplyExact(tiles - 1, timeStride);
        Math.multiplyExact(tiles - 1, corrStride);
        Path dir = target.getParent();
        Files.createDirectories(dir);
        long estimate = src.estimatedBytes(tiles);
        long free = Files.getFileStore(dir).getUsableSpace();
        if (free < (double) FREE_SPACE_FACTOR * estimate) {
            throw new IOException(String.format(Locale.ROOT,
                    "not enough free disk space in %s: a %d-tile export of %s needs ~%d MB; %d× that (%d MB) must be "
                            + "free, but only %d MB is", dir, tiles, src.file().getFileName(), estimate / 1_000_000,
                    FREE_SPACE_FACTOR, FREE_SPACE_FACTOR * estimate / 1_000_000, free / 1_000_000));
        }
        long t0 = System.nanoTime();
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        try {
            // createTempFile makes the file owner-only; the export is ordinary data.
            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: keep the default
        }
        boolean done = false;
        Map<String, Long> rows = new LinkedHashMap<>();
        try {
            java.util.Properties props = new java.util.Properties();
            props.setProperty("open_mode", String.valueOf(0x02 | 0x04 | 0x40)); // READWRITE | CREATE | URI (for ATTACH)
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + tmp, props)) {
                try (Statement st = c.createStatement()) {
                    st.execute("PRAGMA journal_mode=OFF");
                    st.execute("PRAGMA synchronous=OFF");
                    st.execute("PRAGMA locking_mode=EXCLUSIVE");
                    st.execute("PRAGMA cache_size=-65536");
                    st.execute("PRAGMA temp_store=MEMORY");
                    st.execute("ATTACH DATABASE " + SqliteFiles.literal(SqliteFiles.uri(src.file(), "mode=ro&immutable=1"))
                            + " AS src");
                }
                c.setAutoCommit(false);
                Map<String, List<String>> tables = SqliteFiles.tables(c, "src");
                List<String[]> later = new ArrayList<>();
                try (Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("SELECT type, name, sql FROM src.sqlite_master WHERE sql IS NOT NULL "
                             + "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid")) {
                    List<String[]> objs = new ArrayList<>();
                    while (rs.next()) {
                        objs.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
                    }
                    for (String[] o : objs) {
                        if ("table".equals(o[0])) {
                            st.execute(o[2]);
                        } else {
                            later.add(o);
                        }
                    }
                }
                // Non-event tables: once.
                try (Statement st = c.createStatement()) {
                    for (Map.Entry<String, List<String>> e : tables.entrySet()) {
                        if (!EVENT_TABLES.contains(e.getKey())) {
                            String cols = columnList(e.getValue());
                            st.executeUpdate("INSERT INTO main." + SqliteFiles.ident(e.getKey()) + " (" + cols + ") SELECT "
                                    + cols + " FROM src." + SqliteFiles.ident(e.getKey()));
                        }
                    }
                }
                // Event tables: once per tile, shifted.
                List<PreparedStatement> inserts = new ArrayList<>();
                List<Integer> params = new ArrayList<>();
                try {
                    for (String t : EVENT_TABLES) {
                        List<String> cols = tables.get(t);
                        if (cols == null) {
                            continue;
                        }
                        rows.put(t, Math.multiplyExact(src.eventRows().getOrDefault(t, 0L), tiles));
                        String select = shiftedColumns(cols);
                        inserts.add(c.prepareStatement("INSERT INTO main." + SqliteFiles.ident(t) + " (" + columnList(cols)
                                + ") SELECT " + select + " FROM src." + SqliteFiles.ident(t)));
                        params.add(select.contains("?2") ? 2 : select.contains("?1") ? 1 : 0);
                    }
                    p.begin("tiling " + src.file().getFileName() + " x" + tiles, tiles);
                    for (long tile = 0; tile < tiles; tile++) {
                        for (int i = 0; i < inserts.size(); i++) {
                            PreparedStatement ps = inserts.get(i);
                            if (params.get(i) >= 1) {
                                ps.setLong(1, tile * timeStride);
                            }
                            if (params.get(i) >= 2) {
                                ps.setLong(2, tile * corrStride);
                            }
                            ps.executeUpdate();
                        }
                        p.advance(tile + 1);
                    }
                    p.end();
                } finally {
                    for (PreparedStatement ps : inserts) {
                        ps.close();
                    }
                }
                try (Statement st = c.createStatement()) {
                    for (String[] o : later) {
                        st.execute(o[2]);
                    }
                    String meta = metadataTable(st, tables);
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO main." + meta + " (name, value) VALUES (?, ?)")) {
                        Map<String, String> m = new LinkedHashMap<>();
                        m.put(META_TILED_FROM, src.file().toString());
                        m.put(META_TILES, Long.toString(tiles));
                        m.put(META_SOURCE_SHA256, src.sha256());
                        m.put(META_TIME_STRIDE, Long.toString(timeStride));
                        m.put(META_CORRELATION_STRIDE, Long.toString(corrStride));
                        for (Map.Entry<String, Long> e : rows.entrySet()) {
                            m.put(META_ROWS_PREFIX + e.getKey(), Long.toString(e.getValue()));
                        }
                        for (Map.Entry<String, String> e : m.entrySet()) {
                            ps.setString(1, e.getKey());
                            ps.setString(2, e.getValue());
                            ps.executeUpdate();
                        }
                    }
                }
                c.commit();
                c.setAutoCommit(true);
                try (Statement st = c.createStatement()) {
                    st.execute("DETACH DATABASE src");
                }
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
        } catch (SQLException e) {
            throw new IOException(target + ": building the tiled export failed (" + SqliteFiles.oneLine(e) + ")", e);
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
        return new Result(target, src.file().toString(), src.sha256(), tiles, rows, Files.size(target), timeStride,
                corrStride, System.nanoTime() - t0);
    }

    /** Chooses (or creates) the metadata table of the output: META_DATA_EXPORT, else EXPORT_META_DATA. */
    private static String metadataTable(Statement st, Map<String, List<String>> tables) throws SQLException {
        for (String t : List.of("META_DATA_EXPORT", "EXPORT_META_DATA")) {
            List<String> cols = tables.get(t);
            if (cols != null && cols.contains("name") && cols.contains("value")) {
                return t;
            }
        }
        st.execute("CREATE TABLE META_DATA_EXPORT (name TEXT NOT NULL, value TEXT)");
        return "META_DATA_EXPORT";
    }

    private static String columnList(List<String> cols) {
        List<String> q = new ArrayList<>(cols.size());
        for (String c : cols) {
            q.add(SqliteFiles.ident(c));
        }
        return String.join(", ", q);
    }

    /** Select list of one tile: ?1 = time shift (ns), ?2 = correlation id shift. */
    static String shiftedColumns(List<String> cols) {
        List<String> out = new ArrayList<>(cols.size());
        for (String c : cols) {
            String q = SqliteFiles.ident(c);
            if (isTimestamp(c)) {
                out.add(q + " + ?1");
            } else if (c.equals("correlationId")) {
                out.add("CASE WHEN " + q + " > 0 THEN " + q + " + ?2 ELSE " + q + " END");
            } else {
                out.add(q);
            }
        }
        return String.join(", ", out);
    }

    private static boolean isTimestamp(String col) {
        return col.equals("start") || col.equals("end") || col.equals("timestamp")
                || (col.startsWith("qmd") && col.endsWith("Done"));
    }
}
