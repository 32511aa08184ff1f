package io.proflens.model;

import java.util.Map;
import java.util.TreeMap;

/**
 * What produced a trace and when.
 *
 * @param sourcePath       the file read (as given by the user)
 * @param format           input format id, e.g. {@code nsys-sqlite}, {@code kineto-json}
 * @param producer         producing tool, e.g. "NVIDIA Nsight Systems"; never null ("unknown" if unknown)
 * @param producerVersion  e.g. "2024.6.2.25"; {@code null} when the file does not say (nsys 2020/2021)
 * @param schemaVersion    export schema version, e.g. "3.16.1", or {@code null}
 * @param sessionStartUtcEpochNs wall-clock anchor of time 0 of the trace clock, or {@code null}
 * @param synthetic        true for proflens' own generated demo data
 * @param properties       all key/value metadata of the source (sorted by key, copied)
 */
public record TraceMetadata(String sourcePath, String format, String producer, String producerVersion,
                            String schemaVersion, Long sessionStartUtcEpochNs, boolean synthetic,
                            Map<String, String> properties) implements java.io.Serializable {
    public TraceMetadata {
        properties = java.util.Collections.unmodifiableMap(new TreeMap<>(properties));
        producer = producer == null ? "unknown" : producer;
    }

    /**
     * Compares {@link #producerVersion()} with a dotted version ("2024.6").
     *
     * @return negative/0/positive like {@link Comparable}; an unknown version counts as older than any
     */
    public int compareVersion(String other) {
        if (producerVersion == null) {
            return -1;
        }
        String[] a = producerVersion.split("\\.");
        String[] b = other.split("\\.");
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            int x = i < a.length ? parse(a[i]) : 0;
            int y = i < b.length ? parse(b[i]) : 0;
            if (x != y) {
                return Integer.compare(x, y);
            }
        }
        return 0;
    }

    private static int parse(String s) {
        try {
            return Integer.parseInt(s.replaceAll("[^0-9].*$", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
