package io.proflens.ingest;

import io.proflens.model.TableKind;
import java.util.EnumSet;
import java.util.Set;

/**
 * What to load. Loading less is faster and smaller: {@code proflens stats} asks only for the tables and
 * columns its reports need. A table that is not loaded is empty in the trace but keeps its
 * {@code present()} flag from the source, so SKIPPED messages stay right.
 *
 * @param tables       event tables to load
 * @param launchConfig whether to load kernel grid/block/registers/shared-memory columns
 * @param correlate    whether to join GPU rows to their launching API calls (needs kernels and CUDA API)
 */
public record ImportOptions(Set<TableKind> tables, boolean launchConfig, boolean correlate) {
    public ImportOptions {
        tables = tables.isEmpty() ? EnumSet.noneOf(TableKind.class) : EnumSet.copyOf(tables);
    }

    /** @return load everything. */
    public static ImportOptions all() {
        return new ImportOptions(EnumSet.allOf(TableKind.class), true, true);
    }

    /** @return whether {@code kind} is loaded. */
    public boolean loads(TableKind kind) {
        return tables.contains(kind);
    }
}
