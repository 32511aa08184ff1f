package io.proflens.analysis.classify;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Every distinct kernel name in the shared corpus (read in place, read-only), mapped to the first file it was seen in:
 * nsys exports (CUPTI_ACTIVITY_KIND_KERNEL.demangledName via StringIds), the nsys-stats kernel-summary CSVs and
 * Kineto traces ("cat":"kernel" events).
 */
final class CorpusKernelNames {
    private static Map<String, String> names;

    private CorpusKernelNames() {
    }

    static Path data() {
        return Path.of("..", "shared", "data").toAbsolutePath().normalize();
    }

    static synchronized Map<String, String> all() {
        if (names == null) {
            Map<String, String> m = new TreeMap<>();
            for (Path p : files(data().resolve("nsys"), ".sqlite")) {
                nsys(p, m);
            }
            for (Path p : files(data().resolve("nsys/llmperfopt-deepseek-ocr-rtx5090/nsys-stats-csv"), ".csv")) {
                csv(p, m);
            }
            for (Path p : files(data().resolve("kineto"), ".json.gz")) {
                kineto(p, m);
            }
            names = m;
        }
        return names;
    }

    private static List<Path> files(Path dir, String suffix) {
        try (Stream<Path> s = Files.walk(dir, 2)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void nsys(Path p, Map<String, String> out) {
        String url = "jdbc:sqlite:file:" + p + "?mode=ro&immutable=1";
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            try (ResultSet t = st.executeQuery(
                    "SELECT 1 FROM sqlite_master WHERE type='table' AND name='CUPTI_ACTIVITY_KIND_KERNEL'")) {
                if (!t.next()) {
                    return;
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT DISTINCT s.value FROM CUPTI_ACTIVITY_KIND_KERNEL k "
                    + "JOIN StringIds s ON s.id = k.demangledName")) {
                while (rs.next()) {
                    out.putIfAbsent(rs.getString(1), p.toString());
                }
            }
        } catch (SQLException e) {
            throw new AssertionError(p + ": " + e.getMessage(), e);
        }
    }

    /** Quoted CSV (RFC 4180); takes the column named "Name". */
    private static void csv(Path p, Map<String, String> out) {
        String text;
        try {
            text = Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<List<String>> rows = io.proflens.TestData.parseCsv(text);
        int col = rows.get(0).indexOf("Name");
        if (col < 0) {
            throw new AssertionError(p + ": no Name column");
        }
        for (List<String> row : rows.subList(1, rows.size())) {
            if (row.size() > col && !row.get(col).isEmpty()) {
                out.putIfAbsent(row.get(col), p.toString());
            }
        }
    }

    private static void kineto(Path p, Map<String, String> out) {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(p), 1 << 16);
                JsonParser jp = new JsonFactory().createParser(in)) {
            JsonToken first = jp.nextToken();
            if (first == JsonToken.START_ARRAY) {
                events(jp, p, out);
                return;
            }
            while (jp.nextToken() == JsonToken.FIELD_NAME) {
                String field = jp.currentName();
                JsonToken v = jp.nextToken();
                if ("traceEvents".equals(field) && v == JsonToken.START_ARRAY) {
                    events(jp, p, out);
                } else {
                    jp.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(p.toString(), e);
        }
    }

    /** Positioned on the START_ARRAY of the events; consumes through its END_ARRAY. */
    private static void events(JsonParser jp, Path p, Map<String, String> out) throws IOException {
        while (jp.nextToken() == JsonToken.START_OBJECT) {
            String name = null;
            String cat = null;
            while (jp.nextToken() == JsonToken.FIELD_NAME) {
                String field = jp.currentName();
                JsonToken v = jp.nextToken();
                if (v == JsonToken.VALUE_STRING && "name".equals(field)) {
                    name = jp.getText();
                } else if (v == JsonToken.VALUE_STRING && "cat".equals(field)) {
                    cat = jp.getText();
                } else {
                    jp.skipChildren();
                }
            }
            if ("kernel".equals(cat) && name != null) {
                out.putIfAbsent(name, p.toString());
            }
        }
    }
}
