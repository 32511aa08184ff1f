package io.proflens.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Interned strings of one trace. Every name in the event tables is an {@code int} id into this table;
 * equal strings always get the same id, so grouping by id is grouping by string (as nsys groups by the
 * string, not by its {@code StringIds.id}).
 *
 * <p>Ids are dense, start at 0 and follow first-interning order. {@link #NONE} ({@code -1}) stands for
 * "no string" (SQL NULL); {@link #get(int)} returns {@code null} for it. Mutable only while a trace is
 * imported; readers never call {@link #intern(String)}.
 */
public final class StringTable implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    /** Id meaning "no string" (SQL NULL or a missing reference). */
    public static final int NONE = -1;

    private final List<String> values = new ArrayList<>();
    private final Map<String, Integer> ids = new HashMap<>();

    /**
     * Returns the id of {@code value}, adding it if new.
     *
     * @param value the string; {@code null} gives {@link #NONE}
     * @return a dense id {@code >= 0}, or {@link #NONE} for {@code null}
     */
    public int intern(String value) {
        if (value == null) {
            return NONE;
        }
        Integer id = ids.get(value);
        if (id != null) {
            return id;
        }
        int next = values.size();
        values.add(value);
        ids.put(value, next);
        return next;
    }

    /**
     * @param id an id returned by {@link #intern(String)} or {@link #NONE}
     * @return the string, or {@code null} for {@link #NONE}
     * @throws IndexOutOfBoundsException for an id that was never issued
     */
    public String get(int id) {
        return id == NONE ? null : values.get(id);
    }

    /** @return the id of {@code value} if interned, else {@link #NONE}; never adds. */
    public int find(String value) {
        Integer id = value == null ? null : ids.get(value);
        return id == null ? NONE : id;
    }

    /** @return number of distinct strings. */
    public int size() {
        return values.size();
    }
}
