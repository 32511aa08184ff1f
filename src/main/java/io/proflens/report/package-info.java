/**
 * Renderers: one class per output format (column/table, csv/tsv, json, markdown) over
 * {@link io.proflens.analysis.ResultTable}s, plus the capture summary and atomic file output. Renderers see
 * result records only.
 */
package io.proflens.report;
