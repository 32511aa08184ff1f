package io.proflens.ingest.nsys;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Tables and columns of one export, probed from {@code sqlite_master} and {@code PRAGMA table_info}.
 * The schema drifts across nsys versions (nsys-reference.md §7.2-7.3): tables are created lazily and
 * columns are added over time, so nothing is assumed.
 */
final class NsysSchema {
    private final Map<String, Set<String>> columns = new HashMap<>();

    NsysSchema(Connection c) throws SQLException {
        Map<String, Set<String>> found = new HashMap<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT name FROM sqlite_master WHERE type IN ('table','view')")) {
            while (rs.next()) {
                found.put(rs.getString(1), new LinkedHashSet<>());
            }
        }
        for (Map.Entry<String, Set<String>> e : found.entrySet()) {
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("PRAGMA table_info(\"" + e.getKey().replace("\"", "\"\"") + "\")")) {
                while (rs.next()) {
                    e.getValue().add(rs.getString("name"));
                }
            }
        }
        columns.putAll(found);
    }

    boolean has(String table) {
        return columns.containsKey(table);
    }

    boolean has(String table, String column) {
        Set<String> cols = columns.get(table);
        return cols != null && cols.contains(column);
    }

    int tableCount() {
        return columns.size();
    }

    /** @return {@code column} if present, else the SQL literal {@code fallback}. */
    String col(String table, String column, String fallback) {
        return has(table, column) ? "\"" + column + "\"" : fallback;
    }

    /** @return {@code coalesce(column, fallback)} if present, else {@code fallback}. */
    String colOr(String table, String column, String fallback) {
        return has(table, column) ? "coalesce(\"" + column + "\", " + fallback + ")" : fallback;
    }
}
