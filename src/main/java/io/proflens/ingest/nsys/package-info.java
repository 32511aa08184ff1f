/**
 * Nsight Systems: the SQLite export reader ({@link io.proflens.ingest.nsys.NsysSqliteImporter}, nsys 2020.3 to
 * 2026.2, schema probed per file) and the {@code .nsys-rep} → SQLite export through an installed nsys
 * ({@link io.proflens.ingest.nsys.NsysReportExporter}). Semantics: ../shared/docs/nsys-reference.md §7.
 */
package io.proflens.ingest.nsys;
