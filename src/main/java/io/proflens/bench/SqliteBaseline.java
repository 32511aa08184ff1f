package io.proflens.bench;

import io.proflens.analysis.stats.NamingPolicy;
import io.proflens.analysis.stats.StatsReportRegistry;
import io.proflens.model.MemcpyKind;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The baseline of {@link Benchmark}: plain SQL, run by the {@code sqlite3} command-line shell, that computes
 * nsys's six default {@code nsys stats} reports ({@link #REPORTS}) with nsys's semantics
 * (nsys-reference.md §2–3), so that proflens can be compared with "just run the SQL".
 *
 * <p>Per report one statement of the shape
 * <pre>
 * WITH d AS (SELECT &lt;group key&gt; AS k, "end" - start AS dur FROM ...),        -- one row per event
 *      w AS (SELECT k, dur, ROW_NUMBER() OVER (PARTITION BY k ORDER BY dur) AS rn,
 *                           COUNT(*) OVER (PARTITION BY k) AS cnt FROM d),
 *      g AS MATERIALIZED (SELECT k, SUM(dur), COUNT(*), AVG(dur),
 *                                AVG(CASE WHEN rn IN ((cnt + 1) / 2, (cnt + 2) / 2) THEN dur END),   -- median
 *                                MIN(dur), MAX(dur), sqrt((Σd² − (Σd)²/n) / (n − 1))            -- sample stddev
 *                         FROM w GROUP BY k)
 * SELECT round(100.0 * total / (SELECT SUM(total) FROM g), 1), ..., name FROM g ... ORDER BY ...
 * </pre>
 * SQLite has no median aggregate, so the median is the mean of the middle pair of the rows numbered by a
 * window function (one sort per report); the standard deviation is the sample one (divisor n − 1, 0.0 for
 * n = 1) computed in floating point. Avg, Med and StdDev are {@code round(x, 1)} as in nsys; Time (%) is of
 * the listed rows.
 * <ul>
 *   <li>{@code nvtx_sum}: push/pop (59, 70) and start/end (60, 71) ranges with non-NULL end, grouped by style
 *       and name {@code <domain>:<coalesce(text, StringIds.value)>}, the domain name taken from the type-75
 *       event with the same domain id in the same process; default-domain ranges get a leading ':' when the
 *       export's nsys version is ≥ 2024.6 ({@link NamingPolicy}).</li>
 *   <li>{@code osrt_sum}: {@code OSRT_API} rows of event class 27 grouped by {@code nameId}.</li>
 *   <li>{@code cuda_api_sum}: {@code CUPTI_ACTIVITY_KIND_RUNTIME} grouped by {@code nameId}, names with the
 *       {@code _vNNNN} suffix rule.</li>
 *   <li>{@code cuda_gpu_kern_sum}: kernels grouped by the {@code StringIds} value of {@code demangledName};
 *       ordered by total DESC, instances, name.</li>
 *   <li>{@code cuda_gpu_mem_time_sum} / {@code cuda_gpu_mem_size_sum}: memcpy rows named
 *       {@code '[CUDA memcpy ' || ENUM_CUDA_MEMCPY_OPER.label || ']'} (inner join, as nsys) plus memset rows
 *       {@code [CUDA memset]}, over {@code end - start} resp. {@code bytes} (the size report has no percent
 *       column). Exports older than nsys 2024.1 or without the enum table get the built-in labels of
 *       {@link MemcpyKind} in the style of that version.</li>
 * </ul>
 * A report whose tables are missing is replaced by a {@code .print SKIPPED: ...} line, as nsys skips it.
 *
 * <p>Instances are created by {@link #forFile}, which reads the schema and nsys version of the export
 * (read-only) so that the script only references tables and columns that exist.
 */
public final class SqliteBaseline {
    /** The reports of the baseline, in nsys's order: {@link StatsReportRegistry#DEFAULT_SET}. */
    public static final List<String> REPORTS = StatsReportRegistry.DEFAULT_SET;

    /** Page cache of the baseline's connection, KiB (nsys's report runner sets 32 MB). */
    public static final int CACHE_KIB = 32 * 1024;

    private final Path file;
    private final Map<String, List<String>> tables;
    private final NamingPolicy naming;
    private final Map<String, String> sql = new LinkedHashMap<>();
    private final Map<String, String> skipped = new LinkedHashMap<>();

    private SqliteBaseline(Path file, Map<String, List<String>> tables, NamingPolicy naming) {
        this.file = file;
        this.tables = tables;
        this.naming = naming;
        for (String r : REPORTS) {
            String why = missing(r);
            if (why != null) {
                skipped.put(r, why);
            } else {
                sql.put(r, build(r));
            }
        }
    }

    /**
     * Reads the schema and nsys version of {@code export} (opened read-only and immutable) and prepares the
     * SQL for it.
     *
     * @throws IOException when the file cannot be read as SQLite
     */
    public static SqliteBaseline forFile(Path export) throws IOException {
        try (Connection c = SqliteFiles.openReadOnly(export)) {
            Map<String, List<String>> tables = SqliteFiles.tables(c, "main");
            String version = null;
            for (String mt : List.of("EXPORT_META_DATA", "META_DATA_EXPORT")) {
                if (version == null && tables.containsKey(mt)) {
                    try (Statement st = c.createStatement();
                         ResultSet rs = st.executeQuery("SELECT value FROM " + mt + " WHERE name = 'EXPORT_PRODUCT_VERSION'")) {
                        if (rs.next()) {
                            version = rs.getString(1);
                        }
                    }
                }
            }
            return new SqliteBaseline(export, tables, policyFor(version));
        } catch (SQLException e) {
            throw new IOException(export + ": cannot read as SQLite (" + SqliteFiles.oneLine(e) + ")", e);
        }
    }

    /** The naming of proflens's {@link NamingPolicy#forMetadata} for an nsys version string (null = unknown). */
    static NamingPolicy policyFor(String version) {
        return new NamingPolicy(compareVersion(version, "2024.1") >= 0, compareVersion(version, "2024.6") >= 0);
    }

    private static int compareVersion(String v, String other) {
        if (v == null) {
            return -1;
        }
        String[] a = v.split("\\.");
        String[] b = other.split("\\.");
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            int x = i < a.length ? parseInt(a[i]) : 0;
            int y = i < b.length ? parseInt(b[i]) : 0;
            if (x != y) {
                return Integer.compare(x, y);
            }
        }
        return 0;
    }

    private static int parseInt(String s) {
        int n = 0;
        for (int i = 0; i < s.length() && Character.isDigit(s.charAt(i)); i++) {
            n = n * 10 + (s.charAt(i) - '0');
        }
        return n;
    }

    /** @return the export this baseline was prepared for. */
    public Path file() {
        return file;
    }

    /** @return the SQL statement (without trailing ';') of {@code report}, or {@code null} when it is skipped. */
    public String reportSql(String report) {
        return sql.get(report);
    }

    /** @return skipped report → nsys's reason ("does not contain ..."). */
    public Map<String, String> skipped() {
        return Collections.unmodifiableMap(skipped);
    }

    /**
     * The complete {@code sqlite3} script: CSV output with headers, a 32 MiB page cache, then for every report
     * a {@code .print ** <report>} line and its statement (or a {@code SKIPPED} line).
     */
    public String script() {
        StringBuilder sb = new StringBuilder();
        sb.append(".bail on\n.headers on\n.mode csv\nPRAGMA cache_size=-").append(CACHE_KIB).append(";\n");
        for (String r : REPORTS) {
            sb.append(".print ** ").append(r).append('\n');
            String s = sql.get(r);
            if (s == null) {
                sb.append(".print SKIPPED: ").append(file.getFileName()).append(' ').append(skipped.get(r)).append('\n');
            } else {
                sb.append(s).append(";\n");
            }
        }
        return sb.toString();
    }

    /**
     * Script for one report only (CSV with header); used to compare with proflens.
     *
     * @throws IllegalArgumentException when the report is skipped for this export or unknown
     */
    public String reportScript(String report) {
        String s = sql.get(report);
        if (s == null) {
            throw new IllegalArgumentException(report + ": " + skipped.getOrDefault(report, "not a baseline report"));
        }
        return ".bail on\n.headers on\n.mode csv\nPRAGMA cache_size=-" + CACHE_KIB + ";\n" + s + ";\n";
    }

    /** @return the {@code sqlite3} executable found on {@code PATH}, if any. */
    public static Optional<Path> findSqlite3() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, "sqlite3");
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /**
     * The {@code sqlite3} command line for {@code db}: {@code sqlite3 -readonly 'file:<db>?immutable=1'}
     * (the script goes to standard input).
     */
    public static List<String> command(Path sqlite3, Path db) {
        return List.of(sqlite3.toString(), "-readonly", SqliteFiles.uri(db, "immutable=1"));
    }

    /**
     * Runs {@code script} with {@code sqlite3} on {@code db} (not measured) and returns standard output.
     *
     * @throws IOException when sqlite3 fails (exit code ≠ 0; the message has its standard error) or times out
     */
    public static String run(Path sqlite3, Path db, String script, long timeoutSeconds) throws IOException {
        Path in = Files.createTempFile("proflens-baseline-", ".sql");
        Path out = Files.createTempFile("proflens-baseline-", ".out");
        Path err = Files.createTempFile("proflens-baseline-", ".err");
        try {
            Files.writeString(in, script, StandardCharsets.UTF_8);
            Process p = new ProcessBuilder(command(sqlite3, db)).redirectInput(in.toFile()).redirectOutput(out.toFile())
                    .redirectError(err.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("sqlite3 timed out after " + timeoutSeconds + " s");
            }
            if (p.exitValue() != 0) {
                throw new IOException("sqlite3 exited with " + p.exitValue() + ": "
                        + Files.readString(err, StandardCharsets.UTF_8).strip().replaceAll("\\s+", " "));
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            Files.deleteIfExists(in);
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    private boolean has(String table) {
        return tables.containsKey(table);
    }

    private boolean has(String table, String col) {
        List<String> c = tables.get(table);
        return c != null && c.contains(col);
    }

    private String missing(String report) {
        switch (report) {
            case "nvtx_sum":
                return has("NVTX_EVENTS") ? null : "does not contain NV Tools Extension (NVTX) data.";
            case "osrt_sum":
                return has("OSRT_API") && has("StringIds") ? null : "does not contain OS Runtime trace data.";
            case "cuda_api_sum":
                return has("CUPTI_ACTIVITY_KIND_RUNTIME") && has("StringIds") ? null : "does not contain CUDA trace data.";
            case "cuda_gpu_kern_sum":
                return has("CUPTI_ACTIVITY_KIND_KERNEL") && has("StringIds") ? null : "does not contain CUDA kernel data.";
            case "cuda_gpu_mem_time_sum":
            case "cuda_gpu_mem_size_sum":
                return has("CUPTI_ACTIVITY_KIND_MEMCPY") || has("CUPTI_ACTIVITY_KIND_MEMSET") ? null
                        : "does not contain GPU memory data.";
            default:
                return "is not a baseline report";
        }
    }

    private String build(String report) {
        switch (report) {
            case "nvtx_sum":
                return nvtxSum();
            case "osrt_sum":
                return apiSum("OSRT_API", "WHERE eventClass = 27", "s.value");
            case "cuda_api_sum":
                return apiSum("CUPTI_ACTIVITY_KIND_RUNTIME", "",
                        "CASE substr(s.value, -6, 2) WHEN '_v' THEN substr(s.value, 1, length(s.value) - 6) ELSE s.value END");
            case "cuda_gpu_kern_sum":
                return summary("SELECT s.value AS k, k.\"end\" - k.start AS dur FROM CUPTI_ACTIVITY_KIND_KERNEL AS k "
                                + "JOIN StringIds AS s ON s.id = k.demangledName",
                        "Instances", true, "g.k AS \"Name\"", "", "total DESC, n ASC, g.k ASC");
            case "cuda_gpu_mem_time_sum":
                return memSum(false);
            case "cuda_gpu_mem_size_sum":
                return memSum(true);
            default:
                throw new IllegalArgumentException(report);
        }
    }

    /**
     * The common statistics statement.
     *
     * @param rowsSql     one row per event with columns {@code k} (group key) and {@code dur} (value)
     * @param countLabel  header of the count column
     * @param percent     whether to add {@code Time (%)} and round avg/med/stddev to 0.1 (duration reports)
     * @param nameColumns trailing output columns, over {@code g} (and joins given in {@code joins})
     * @param joins       extra joins after {@code FROM g}
     * @param orderBy     ORDER BY terms over {@code total}, {@code n}, {@code g.k}
     */
    private static String summary(String rowsSql, String countLabel, boolean percent, String nameColumns, String joins,
                                  String orderBy) {
        String unit = percent ? " (ns)" : " (B)";
        StringBuilder sb = new StringBuilder();
        sb.append("WITH d AS (").append(rowsSql).append("),\n")
                .append("w AS (SELECT k, dur, ROW_NUMBER() OVER (PARTITION BY k ORDER BY dur) AS rn, ")
                .append("COUNT(*) OVER (PARTITION BY k) AS cnt FROM d),\n")
                .append("g AS MATERIALIZED (SELECT k, SUM(dur) AS total, COUNT(*) AS n, AVG(dur) AS avg, ")
                .append("AVG(CASE WHEN rn IN ((cnt + 1) / 2, (cnt + 2) / 2) THEN dur END) AS med, ")
                .append("MIN(dur) AS mn, MAX(dur) AS mx, ")
                .append("CASE WHEN COUNT(*) > 1 THEN sqrt(max(0.0, (SUM(CAST(dur AS REAL) * dur) - ")
                .append("CAST(SUM(dur) AS REAL) * SUM(dur) / COUNT(*)) / (COUNT(*) - 1))) ELSE 0.0 END AS sd ")
                .append("FROM w GROUP BY k)\n")
                .append("SELECT ");
        if (percent) {
            sb.append("round(100.0 * g.total / (SELECT SUM(total) FROM g), 1) AS \"Time (%)\", ")
                    .append("g.total AS \"Total Time (ns)\", g.n AS \"").append(countLabel).append("\", ")
                    .append("round(g.avg, 1) AS \"Avg (ns)\", round(g.med, 1) AS \"Med (ns)\", ")
                    .append("g.mn AS \"Min (ns)\", g.mx AS \"Max (ns)\", round(g.sd, 1) AS \"StdDev (ns)\", ");
        } else {
            sb.append("g.total AS \"Total").append(unit).append("\", g.n AS \"").append(countLabel).append("\", ")
                    .append("g.avg AS \"Avg").append(unit).append("\", g.med AS \"Med").append(unit).append("\", ")
                    .append("g.mn AS \"Min").append(unit).append("\", g.mx AS \"Max").append(unit).append("\", ")
                    .append("g.sd AS \"StdDev").append(unit).append("\", ");
        }
        sb.append(nameColumns).append("\nFROM g").append(joins).append("\nORDER BY ").append(orderBy);
        return sb.toString();
    }

    private static String apiSum(String table, String where, String nameExpr) {
        return summary("SELECT nameId AS k, \"end\" - start AS dur FROM " + table + (where.isEmpty() ? "" : " " + where),
                "Num Calls", true, nameExpr + " AS \"Name\"", " LEFT JOIN StringIds AS s ON s.id = g.k",
                "total DESC, g.k ASC");
    }

    private String nvtxSum() {
        String t = "NVTX_EVENTS";
        boolean textId = has(t, "textId") && has("StringIds");
        boolean domain = has(t, "domainId") && has(t, "globalTid");
        String text = has(t, "text") ? (textId ? "coalesce(e.text, s.value)" : "e.text") : (textId ? "s.value" : "NULL");
        String strJoin = textId ? " LEFT JOIN StringIds AS s ON s.id = e.textId" : "";
        StringBuilder rows = new StringBuilder("SELECT ");
        String name;
        if (domain) {
            String prefix = naming.colonForDefaultDomain()
                    ? "coalesce(dom.dname, '') || ':'"
                    : "CASE WHEN dom.dname IS NOT NULL THEN dom.dname || ':' WHEN coalesce(e.domainId, 0) <> 0 THEN ':' ELSE '' END";
            name = prefix + " || coalesce(" + text + ", '')";
        } else {
            name = (naming.colonForDefaultDomain() ? "':' || " : "") + "coalesce(" + text + ", '')";
        }
        rows.append("CASE WHEN e.eventType IN (59, 70) THEN 'P' ELSE 'S' END || ").append(name)
                .append(" AS k, e.\"end\" - e.start AS dur FROM NVTX_EVENTS AS e").append(strJoin);
        if (domain) {
            rows.append(" LEFT JOIN (SELECT e.domainId AS domainId, e.globalTid & 0xFFFFFFFFFF000000 AS pid, min(")
                    .append(text).append(") AS dname FROM NVTX_EVENTS AS e").append(strJoin)
                    .append(" WHERE e.eventType = 75 GROUP BY 1, 2) AS dom ON dom.domainId = e.domainId")
                    .append(" AND dom.pid = (e.globalTid & 0xFFFFFFFFFF000000)");
        }
        rows.append(" WHERE e.eventType IN (59, 60, 70, 71) AND e.\"end\" IS NOT NULL");
        return summary(rows.toString(), "Instances", true,
                "CASE substr(g.k, 1, 1) WHEN 'P' THEN 'PushPop' ELSE 'StartEnd' END AS \"Style\", substr(g.k, 2) AS \"Range\"",
                "", "total DESC");
    }

    private String memSum(boolean bySize) {
        String value = bySize ? "bytes" : "\"end\" - start";
        List<String> parts = new ArrayList<>();
        if (has("CUPTI_ACTIVITY_KIND_MEMCPY")) {
            String labels;
            if (naming.longMemcpyLabels() && has("ENUM_CUDA_MEMCPY_OPER", "label")) {
                labels = "SELECT id, '[CUDA memcpy ' || label || ']' AS name FROM ENUM_CUDA_MEMCPY_OPER";
            } else {
                List<String> v = new ArrayList<>();
                for (MemcpyKind k : MemcpyKind.values()) {
                    v.add("(" + k.id() + ", " + SqliteFiles.literal(naming.memcpyName(k.id())) + ")");
                }
                labels = "SELECT column1 AS id, column2 AS name FROM (VALUES " + String.join(", ", v) + ")";
            }
            parts.add("SELECT mos.name AS k, m." + (bySize ? "bytes" : "\"end\" - m.start") + " AS dur "
                    + "FROM CUPTI_ACTIVITY_KIND_MEMCPY AS m JOIN (" + labels + ") AS mos ON mos.id = m.copyKind");
        }
        if (has("CUPTI_ACTIVITY_KIND_MEMSET")) {
            parts.add("SELECT '" + NamingPolicy.MEMSET_NAME + "' AS k, " + value + " AS dur FROM CUPTI_ACTIVITY_KIND_MEMSET");
        }
        return summary(String.join(" UNION ALL ", parts), "Count", !bySize, "g.k AS \"Operation\"", "", "total DESC");
    }
}
