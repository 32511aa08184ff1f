package io.proflens.ingest.ncu;

import io.proflens.ingest.ImportException;
import io.proflens.model.ImportIssue;
import io.proflens.model.ncu.Dim3;
import io.proflens.model.ncu.NcuKernel;
import io.proflens.model.ncu.NcuMetric;
import io.proflens.model.ncu.NcuReport;
import io.proflens.model.ncu.NcuRuleResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads Nsight Compute CSV exports into an {@link NcuReport}: {@code ncu --csv --page details} (one row per kernel
 * and metric: "Section Name", "Metric Name", "Metric Unit", "Metric Value", plus rule rows), the per-section files
 * written with {@code --section X} (same shape; the roofline chart adds "Body Item Label") and
 * {@code ncu --csv --page raw} (one row per kernel, one column per metric id, a units row after the header).
 *
 * <p>Columns are matched by header name, never by position (older ncu lacks the rule columns and sometimes
 * "Block Size", "Grid Size", "Device", "CC"); lines before the header ({@code ==PROF==}, {@code ==WARNING==}) are
 * skipped. Several files are merged per kernel, identified by ("Process ID", "ID", "Kernel Name"): the per-section
 * files of one run, a details page and a raw page of the same run all become one kernel with the union of their
 * metrics. A metric key read twice keeps its first value; a differing second value is counted as the import issue
 * {@code ncu.conflicting_metric}. Every metric is kept, known or not. The whole file is read into memory (ncu CSVs
 * are small: about 50 rows per kernel and section set).
 *
 * <p>Semantics of the format: ../shared/docs/nsys-reference.md §10 and the Nsight Compute CLI documentation
 * ("--csv", "--page").
 */
public final class NcuCsvReader {
    private static final Pattern DIM3 = Pattern.compile("\\(\\s*(\\d+)\\s*,\\s*(\\d+)\\s*,\\s*(\\d+)\\s*\\)");
    /** Identity columns of both pages; any other column of a raw page is a metric. */
    private static final Set<String> IDENTITY = Set.of("ID", "Process ID", "Process Name", "Host Name",
            "Kernel Name", "Kernel Time", "Context", "Stream", "Block Size", "Grid Size", "Device", "CC",
            "Section Name", "Body Item Label", "Metric Name", "Metric Unit", "Metric Value", "Rule Name", "Rule Type",
            "Rule Description", "Estimated Speedup Type", "Estimated Speedup");

    private NcuCsvReader() {
    }

    /**
     * Reads and merges one or several ncu CSV files.
     *
     * @param files details pages, raw pages or per-section files, in any mix (at least one)
     * @return kernels ordered by process id, ID, name; never empty
     * @throws ImportException (message {@code <file>: <problem>}) when a file is missing, unreadable, has no ncu
     *                         header ("ID" and "Kernel Name" and either "Metric Name"/"Metric Value" or metric
     *                         columns), or when no file has a kernel row
     */
    public static NcuReport read(List<Path> files) throws ImportException {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no ncu CSV file given");
        }
        Merger m = new Merger();
        for (Path f : files) {
            List<List<String>> rows;
            try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                rows = parseCsv(r);
            } catch (IOException | java.io.UncheckedIOException e) {
                throw new ImportException(f, "cannot read the Nsight Compute CSV: " + e.getMessage(), e);
            }
            m.add(f, rows);
        }
        if (m.kernels.isEmpty()) {
            throw new ImportException(files.get(files.size() - 1), "Nsight Compute CSV has no kernel rows");
        }
        return m.build(files);
    }

    /** @return {@link #read(List)} of one file */
    public static NcuReport read(Path file) throws ImportException {
        return read(List.of(file));
    }

    private static final class KernelBuilder {
        final String pid;
        final String id;
        final String name;
        Map<String, String> identity = new HashMap<>();
        final LinkedHashMap<String, NcuMetric> metrics = new LinkedHashMap<>();
        final LinkedHashSet<NcuRuleResult> rules = new LinkedHashSet<>();
        final LinkedHashSet<String> sources = new LinkedHashSet<>();

        KernelBuilder(String pid, String id, String name) {
            this.pid = pid;
            this.id = id;
            this.name = name;
        }
    }

    private static final class Merger {
        final LinkedHashMap<List<String>, KernelBuilder> kernels = new LinkedHashMap<>();
        final TreeMap<String, long[]> issueCounts = new TreeMap<>();
        final Map<String, String> issueText = new HashMap<>();

        void issue(String code, String message) {
            issueCounts.computeIfAbsent(code, k -> new long[1])[0]++;
            issueText.putIfAbsent(code, message);
        }

        void add(Path file, List<List<String>> rows) throws ImportException {
            int h = -1;
            for (int i = 0; i < rows.size(); i++) {
                List<String> r = rows.get(i);
                if (r.contains("ID") && r.contains("Kernel Name")) {
                    h = i;
                    break;
                }
            }
            if (h < 0) {
                throw new ImportException(file, "not an Nsight Compute CSV: no header with \"ID\" and \"Kernel Name\""
                        + " columns (export with ncu --csv --page details or --page raw)");
            }
            List<String> header = rows.get(h);
            Map<String, Integer> col = new HashMap<>();
            for (int c = 0; c < header.size(); c++) {
                col.putIfAbsent(header.get(c), c);
            }
            boolean details = col.containsKey("Metric Name") && col.containsKey("Metric Value");
            List<Integer> rawCols = new ArrayList<>();
            if (!details) {
                for (int c = 0; c < header.size(); c++) {
                    if (!IDENTITY.contains(header.get(c)) && !header.get(c).isEmpty()) {
                        rawCols.add(c);
                    }
                }
                if (rawCols.isEmpty()) {
                    throw new ImportException(file, "not an Nsight Compute CSV: neither \"Metric Name\"/\"Metric Value\""
                            + " columns (details page) nor metric columns (raw page)");
                }
            }
            String source = file.getFileName() == null ? file.toString() : file.getFileName().toString();
            List<String> units = null;
            for (int i = h + 1; i < rows.size(); i++) {
                List<String> r = rows.get(i);
                String id = get(r, col, "ID");
                String kname = get(r, col, "Kernel Name");
                if (id.isEmpty() && kname.isEmpty()) {
                    if (!details && units == null) {
                        units = r; // the raw page's units row
                    } else if (r.stream().anyMatch(s -> !s.isEmpty())) {
                        issue("ncu.row_without_kernel", "rows without \"ID\" and \"Kernel Name\" were skipped");
                    }
                    continue;
                }
                String pid = get(r, col, "Process ID");
                KernelBuilder k = kernels.computeIfAbsent(List.of(pid, id, kname), x -> new KernelBuilder(pid, id,
                        kname));
                k.sources.add(source);
                for (String c : List.of("Process Name", "Host Name", "Context", "Stream", "Block Size", "Grid Size",
                        "Device", "CC")) {
                    String v = get(r, col, c);
                    if (!v.isEmpty()) {
                        k.identity.putIfAbsent(c, v);
                    }
                }
                if (details) {
                    String ruleName = get(r, col, "Rule Name");
                    String metricName = get(r, col, "Metric Name");
                    if (metricName.isEmpty() && !ruleName.isEmpty()) {
                        k.rules.add(new NcuRuleResult(get(r, col, "Section Name"), ruleName, get(r, col, "Rule Type"),
                                get(r, col, "Rule Description"), get(r, col, "Estimated Speedup Type"),
                                NcuUnits.parseNumber(get(r, col, "Estimated Speedup"))));
                    } else if (!metricName.isEmpty()) {
                        put(k, metric(get(r, col, "Section Name"), get(r, col, "Body Item Label"), metricName,
                                get(r, col, "Metric Unit"), get(r, col, "Metric Value")));
                    }
                } else {
                    for (int c : rawCols) {
                        String unit = units == null || c >= units.size() ? "" : units.get(c);
                        put(k, metric("", "", header.get(c), unit, c < r.size() ? r.get(c) : ""));
                    }
                }
            }
        }

        void put(KernelBuilder k, NcuMetric m) {
            NcuMetric old = k.metrics.putIfAbsent(m.key(), m);
            if (old != null && !old.text().equals(m.text())) {
                issue("ncu.conflicting_metric", "a metric read twice for the same kernel had different values; the "
                        + "first was kept (files of different runs merged?)");
            }
        }

        NcuReport build(List<Path> files) {
            List<NcuKernel> out = new ArrayList<>();
            for (KernelBuilder k : kernels.values()) {
                Map<String, String> id = k.identity;
                out.add(new NcuKernel(parseLong(k.id, 0), parseLong(k.pid, -1), id.getOrDefault("Process Name", ""),
                        id.getOrDefault("Host Name", ""), k.name, id.getOrDefault("Context", ""),
                        id.getOrDefault("Stream", ""), dim3(id.get("Block Size")), dim3(id.get("Grid Size")),
                        id.getOrDefault("Device", ""), id.getOrDefault("CC", ""), new ArrayList<>(k.metrics.values()),
                        new ArrayList<>(k.rules), new ArrayList<>(k.sources)));
            }
            out.sort(Comparator.comparingLong(NcuKernel::processId).thenComparingLong(NcuKernel::id)
                    .thenComparing(NcuKernel::name));
            List<ImportIssue> issues = new ArrayList<>();
            issueCounts.forEach((code, n) -> issues.add(new ImportIssue(code, ImportIssue.Severity.WARNING, n[0],
                    issueText.get(code))));
            List<String> sources = new ArrayList<>();
            for (Path f : files) {
                sources.add(f.toString());
            }
            return new NcuReport(out, sources, issues);
        }
    }

    private static NcuMetric metric(String section, String label, String name, String unit, String text) {
        NcuUnits.Normalized n = NcuUnits.normalize(unit, NcuUnits.parseNumber(text));
        return new NcuMetric(section, label, name, unit, text, n.value(), n.baseUnit());
    }

    private static String get(List<String> row, Map<String, Integer> col, String name) {
        Integer c = col.get(name);
        return c == null || c >= row.size() ? "" : row.get(c).trim();
    }

    private static long parseLong(String s, long dflt) {
        double v = NcuUnits.parseNumber(s);
        return Double.isNaN(v) ? dflt : (long) v;
    }

    private static Dim3 dim3(String s) {
        if (s == null) {
            return null;
        }
        Matcher m = DIM3.matcher(s);
        return m.matches() ? new Dim3(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)),
                Long.parseLong(m.group(3))) : null;
    }

    /**
     * RFC 4180 CSV: quoted fields with doubled quotes, embedded commas and newlines; a leading BOM is dropped;
     * blank lines are skipped.
     */
    static List<List<String>> parseCsv(BufferedReader in) throws IOException {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        boolean first = true;
        int c;
        while ((c = in.read()) != -1) {
            if (first) {
                first = false;
                if (c == '\uFEFF') {
                    continue;
                }
            }
            if (quoted) {
                if (c == '"') {
                    in.mark(1);
                    int n = in.read();
                    if (n == '"') {
                        f.append('"');
                    } else {
                        quoted = false;
                        if (n != -1) {
                            in.reset();
                        }
                    }
                } else {
                    f.append((char) c);
                }
            } else if (c == '"') {
                quoted = true;
                any = true;
            } else if (c == ',') {
                row.add(f.toString());
                f.setLength(0);
                any = true;
            } else if (c == '\n' || c == '\r') {
                if (any || f.length() > 0) {
                    row.add(f.toString());
                    rows.add(row);
                }
                row = new ArrayList<>();
                f.setLength(0);
                any = false;
            } else {
                f.append((char) c);
            }
        }
        if (any || f.length() > 0) {
            row.add(f.toString());
            rows.add(row);
        }
        return rows;
    }
}
