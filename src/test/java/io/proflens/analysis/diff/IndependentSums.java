package io.proflens.analysis.diff;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

/**
 * Per-kernel-name launch count and summed duration computed straight from the files, without proflens' importers:
 * Kineto JSON through Jackson (events with {@code "cat": "kernel"}, {@code dur} µs × 1000 rounded half up), nsys
 * exports through SQL ({@code CUPTI_ACTIVITY_KIND_KERNEL} joined to {@code StringIds} on {@code demangledName}).
 */
final class IndependentSums {
    private IndependentSums() {
    }

    /** @return name → {count, total ns} */
    static Map<String, long[]> kinetoKernels(Path file) throws IOException {
        Map<String, long[]> m = new TreeMap<>();
        ObjectMapper mapper = new ObjectMapper();
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
             JsonParser p = new JsonFactory().createParser(in)) {
            p.setCodec(mapper);
            while (p.nextToken() != null) {
                if (p.currentToken() == JsonToken.FIELD_NAME && p.getCurrentName().equals("traceEvents")) {
                    p.nextToken();
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        JsonNode e = p.readValueAsTree();
                        if (e.has("cat") && e.get("cat").asText().equals("kernel") && e.has("dur")) {
                            long ns = new BigDecimal(e.get("dur").asText()).movePointRight(3)
                                    .setScale(0, RoundingMode.HALF_UP).longValueExact();
                            long[] a = m.computeIfAbsent(e.get("name").asText(), x -> new long[2]);
                            a[0]++;
                            a[1] += ns;
                        }
                    }
                    break;
                }
            }
        }
        return m;
    }

    /** @return name → {count, total ns} */
    static Map<String, long[]> nsysKernels(Path file) throws Exception {
        Map<String, long[]> m = new TreeMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + file + "?mode=ro&immutable=1");
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT s.value, count(*), sum(k.\"end\" - k.start) FROM "
                     + "CUPTI_ACTIVITY_KIND_KERNEL k JOIN StringIds s ON s.id = k.demangledName GROUP BY s.value")) {
            while (r.next()) {
                m.put(r.getString(1), new long[] {r.getLong(2), r.getLong(3)});
            }
        }
        return m;
    }

    static long total(Map<String, long[]> m) {
        return m.values().stream().mapToLong(a -> a[1]).sum();
    }

    static long count(Map<String, long[]> m) {
        return m.values().stream().mapToLong(a -> a[0]).sum();
    }
}
