package io.proflens.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** Small SQLite helpers of the bench package: URIs, quoting, read-only connections, schema look-ups, hashing. */
final class SqliteFiles {
    private SqliteFiles() {
    }

    /**
     * @param file  a database file
     * @param query URI query without '?', e.g. {@code mode=ro&immutable=1}
     * @return {@code file:<absolute path, percent-encoded>?<query>}, a SQLite URI filename
     */
    static String uri(Path file, String query) {
        String abs = file.toAbsolutePath().normalize().toString();
        StringBuilder sb = new StringBuilder("file:");
        for (byte b : abs.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '/' || c == '-' || c == '_' || c == '.' || c == '~';
            if (plain) {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return query == null || query.isEmpty() ? sb.toString() : sb.append('?').append(query).toString();
    }

    /** @return {@code s} as an SQL string literal. */
    static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    /** @return {@code s} as a double-quoted SQL identifier. */
    static String ident(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }

    /**
     * Opens {@code file} read-only and immutable ({@code mode=ro&immutable=1}): SQLite never writes to it,
     * takes no locks and creates no journal next to it.
     */
    static Connection openReadOnly(Path file) throws SQLException {
        Properties props = new Properties();
        props.setProperty("open_mode", String.valueOf(0x01 | 0x40)); // SQLITE_OPEN_READONLY | SQLITE_OPEN_URI
        return DriverManager.getConnection("jdbc:sqlite:" + uri(file, "mode=ro&immutable=1"), props);
    }

    /** @return table name → column names (in order) of schema {@code schema} ("main", "src", ...). */
    static Map<String, List<String>> tables(Connection c, String schema) throws SQLException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT name FROM " + ident(schema)
                     + ".sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        for (String t : names) {
            List<String> cols = new ArrayList<>();
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("PRAGMA " + ident(schema) + ".table_info(" + ident(t) + ")")) {
                while (rs.next()) {
                    cols.add(rs.getString("name"));
                }
            }
            out.put(t, cols);
        }
        return out;
    }

    /** @return the first column of the first row of {@code sql} as a long, or {@code dflt} for no row / NULL. */
    static long queryLong(Connection c, String sql, long dflt) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            if (rs.next()) {
                long v = rs.getLong(1);
                return rs.wasNull() ? dflt : v;
            }
            return dflt;
        }
    }

    /** @return lower-case hex SHA-256 of the file's bytes. */
    static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** @return a one-line message for an exception (its message, or its class name). */
    static String oneLine(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            m = e.getClass().getSimpleName();
        }
        return m.replaceAll("\\s+", " ").trim();
    }
}
