package io.proflens.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.proflens.TestData;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Black-box tests of the command line: output contracts, exit codes and one-line errors. */
class CliTest {
    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        CommandLine cl = ProflensCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    static void assertOneLineError(Run r, int code, String... fragments) {
        assertThat(r.code()).as(r.err()).isEqualTo(code);
        assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception in");
        for (String f : fragments) {
            assertThat(r.err()).contains(f);
        }
    }

    @Test
    void csvToStdoutIsExactlyOneTable() {
        Run r = run("stats", "-r", "cuda_gpu_kern_sum", "-f", "csv", TestData.fuser().toString());
        assertThat(r.code()).isZero();
        String[] lines = r.out().split("\n");
        assertThat(lines[0]).isEqualTo("Time (%),Total Time (ns),Instances,Avg (ns),Med (ns),Min (ns),Max (ns),StdDev (ns),Name");
        assertThat(lines).hasSize(16);
        assertThat(lines[1]).startsWith("33.8,135999,1,135999.0,135999.0,135999,135999,0.0,");
    }

    @Test
    void defaultSetSkipsOsrtLikeNsys() {
        Run r = run("stats", "-q", TestData.fuser().toString());
        assertThat(r.code()).isZero();
        assertThat(r.err()).contains("SKIPPED: " + TestData.fuser() + " does not contain OS Runtime trace data.");
        assertThat(r.out()).contains(" ** NVTX Range Summary (nvtx_sum):", " ** CUDA GPU MemOps Summary (by Size) (cuda_gpu_mem_size_sum):");
    }

    @Test
    void outputFilesAreNamedLikeNsys() throws IOException {
        String base = tmp.resolve("run").toString();
        Run r = run("stats", "-q", "-r", "cuda_api_sum,cuda_gpu_kern_sum:base", "-o", base, TestData.fuser().toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(tmp.resolve("run_cuda_api_sum.csv")).exists();
        assertThat(Files.readString(tmp.resolve("run_cuda_gpu_kern_sum_base.csv"))).contains("nvjet_hsh_128x256_64x4_2x1_v_bz_coopA_NTN");
        try (var s = Files.list(tmp)) {
            assertThat(s.filter(p -> p.getFileName().toString().endsWith(".tmp"))).isEmpty();
        }
    }

    @Test
    void timeunitConvertsExactly() {
        Run r = run("stats", "-r", "cuda_api_sum", "-f", "csv", "--timeunit", "usec", TestData.fuser().toString());
        assertThat(r.out()).contains("Total Time (us)").contains("66.6,60848.371,17,3579.3159,1358.264,3.404,12968.043,4456.5138,cudaLaunchKernel");
    }

    @Test
    void filterTimeKeepsOverlappingRows() {
        // The only memcpy and memset of the Fuser export; a window around nothing keeps no rows.
        Run all = run("stats", "-r", "cuda_gpu_kern_sum", "-f", "csv", TestData.fuser().toString());
        Run none = run("stats", "-r", "cuda_gpu_kern_sum", "-f", "csv", "--filter-time", "0/1", TestData.fuser().toString());
        assertThat(all.out().lines().count()).isEqualTo(16);
        assertThat(none.out().lines().count()).isEqualTo(1);
        assertThat(none.err()).contains("no data was returned");
    }

    @Test
    void filterNvtxRestrictsToTheRange() {
        Run r = run("stats", "-r", "cuda_api_sum", "-f", "csv", "--filter-nvtx", ":KernelExecutor::runFusion",
                TestData.fuser().toString());
        // the default-domain range is named without '@DOMAIN'; the leading colon is nsys's display form only
        assertThat(r.code()).isEqualTo(ExitCodes.INPUT);
        Run ok = run("stats", "-r", "cuda_api_sum", "-f", "csv", "--filter-nvtx", "KernelExecutor::runFusion",
                TestData.fuser().toString());
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(ok.out().lines().count()).isBetween(2L, 10L);
    }

    @Test
    void nvtxOpIdStrippingMergesPerCallRowsAndKeepsTotals() {
        String f = TestData.nsys("nsysai-fastvideo-train-h100x2-before/mfu_2gpu_before.sqlite").toString();
        Run raw = run("stats", "-q", "-r", "nvtx_sum", "-f", "csv", f);
        Run stripped = run("stats", "-q", "-r", "nvtx_sum", "-f", "csv", "--nvtx-strip-op-ids", f);
        assertThat(raw.out().lines().count()).isEqualTo(18_500L); // nsys: one row per emit_nvtx call
        assertThat(stripped.out().lines().count()).isBetween(2L, 200L);
        assertThat(stripped.out()).contains(",PushPop,:aten::copy_\n").doesNotContain("op_id");
        assertThat(sumOfColumn(stripped.out(), 1)).isEqualTo(sumOfColumn(raw.out(), 1));
        assertThat(sumOfColumn(stripped.out(), 2)).isEqualTo(sumOfColumn(raw.out(), 2));
    }

    private static long sumOfColumn(String csv, int col) {
        return csv.lines().skip(1).mapToLong(l -> Long.parseLong(l.split(",")[col])).sum();
    }

    @Test
    void severalInputsArePerRankAndCombined() {
        String f = TestData.fuser().toString();
        Run one = run("stats", "-q", "-r", "cuda_gpu_kern_sum", "-f", "csv", f);
        Run two = run("stats", "-q", "-r", "cuda_gpu_kern_sum", "-f", "csv", f, f);
        assertThat(two.code()).as(two.err()).isZero();
        String[] tables = two.out().split("\n\n");
        assertThat(tables).hasSize(2);
        List<String> perRank = tables[0].lines().toList();
        assertThat(perRank.get(0)).startsWith("Rank,Time (%),Total Time (ns),Instances,");
        assertThat(perRank).hasSize(1 + 2 * 15);
        assertThat(perRank.get(1)).startsWith("0,33.8,135999,1,").isEqualTo("0," + one.out().lines().toList().get(1));
        assertThat(perRank.get(16)).startsWith("1,33.8,135999,1,");
        List<String> combined = tables[1].lines().toList();
        assertThat(combined).hasSize(16);
        // same kernels twice: totals and instances double, percent, mean, median, min, max unchanged
        assertThat(combined.get(1)).startsWith("33.8,271998,2,135999.0,135999.0,135999,135999,0.0,");
    }

    @Test
    void partialRanksExitFiveAndListTheBadOnes() throws IOException {
        Path junk = Files.writeString(tmp.resolve("rank1.sqlite"), "not a profile");
        Run r = run("stats", "-q", "-r", "cuda_api_sum", "-f", "csv", TestData.fuser().toString(), junk.toString());
        assertThat(r.code()).isEqualTo(ExitCodes.PARTIAL);
        assertThat(r.err()).contains("rank1.sqlite: unrecognised format").contains("(rank 1 skipped)");
        assertThat(r.out()).contains("Rank,Time (%)");
    }

    @Test
    void directoryOfRanks() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("ranks"));
        Files.copy(TestData.fuser(), dir.resolve("rank0.sqlite"));
        Files.copy(TestData.nsys("nsysai-mock-tiny/mock.sqlite"), dir.resolve("rank1.sqlite"));
        Files.writeString(dir.resolve("notes.txt"), "ignored: not a profile name");
        Run r = run("stats", "-q", "-r", "cuda_gpu_mem_time_sum", "-f", "csv", dir.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("0,72.6,2880,1,").contains("[CUDA memcpy Device-to-Host]");
        assertThat(r.out().lines().filter(l -> l.startsWith("1,"))).isNotEmpty();
    }

    @Test
    void analyzeSeveralRanks() {
        String f = TestData.fuser().toString();
        String g = TestData.nsys("nsysai-mock-tiny/mock.sqlite").toString();
        Run r = run("analyze", "-n", "2", f, g);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("proflens analysis: 2 ranks").contains("rank 0: " + f).contains("rank 1: " + g)
                .contains(" ** CUDA GPU Kernel Summary (per rank) (cuda_gpu_kern_sum):")
                .contains(" ** CUDA GPU Kernel Summary (all ranks) (cuda_gpu_kern_sum):")
                .contains("SKIPPED: none of the 2 ranks has this data (each lacks OS Runtime trace data.)");
    }

    @Test
    void kinetoDirectoryWithATruncatedRankIsPartial() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("kineto-ranks"));
        Path good = TestData.root().resolve("kineto/hta-sampled-ws128-encdec-fp8/sampled_rank-0.json.gz");
        Files.copy(good, dir.resolve("rank0.json.gz"));
        byte[] all = Files.readAllBytes(TestData.root().resolve("kineto/hta-sampled-ws128-encdec-fp8/sampled_rank-1.json.gz"));
        Files.write(dir.resolve("rank1.json.gz"), Arrays.copyOf(all, all.length / 2));
        Run r = run("stats", "-q", "-r", "cuda_gpu_kern_sum", "-f", "csv", dir.toString());
        assertThat(r.code()).isEqualTo(ExitCodes.PARTIAL);
        assertThat(r.err()).contains("rank1.json.gz").contains("rank 1 skipped").doesNotContain("\tat ");
        // the good rank keeps its own rank number from distributedInfo only when every rank states one
        assertThat(r.out()).startsWith("Rank,Time (%),Total Time (ns)").contains("\n0,");
    }

    @Test
    void kinetoRanksAreNumberedFromDistributedInfo() {
        Path dir = TestData.root().resolve("kineto/param-dlrm-v100-8rank");
        Run r = run("stats", "-q", "-r", "cuda_gpu_kern_sum", "-f", "csv", dir.toString());
        assertThat(r.code()).as(r.err()).isZero();
        String[] tables = r.out().split("\n\n");
        assertThat(tables).hasSize(2);
        java.util.Set<String> ranks = new java.util.TreeSet<>();
        tables[0].lines().skip(1).forEach(l -> ranks.add(l.substring(0, l.indexOf(','))));
        assertThat(ranks).containsExactlyInAnyOrder("0", "1", "2", "3", "4", "5", "6", "7");
        long perRankInstances = tables[0].lines().skip(1).mapToLong(l -> Long.parseLong(l.split(",")[3])).sum();
        long combinedInstances = tables[1].lines().skip(1).mapToLong(l -> Long.parseLong(l.split(",")[2])).sum();
        assertThat(combinedInstances).isEqualTo(perRankInstances).isEqualTo(245 + 310 + 246 + 315 + 251 + 245 + 246 + 246);
    }

    @Test
    void filterNvtxOnAGpuAnnotationUsesItsTimeWindow() {
        String f = TestData.root().resolve("kineto/tl-h100-qwen1.5-0.5b-chat-infer/Qwen_Qwen1.5-0.5B-Chat__1016005.json.gz").toString();
        Run all = run("stats", "-q", "-r", "cuda_gpu_kern_sum", "-f", "csv", f);
        Run step = run("stats", "-q", "-r", "cuda_gpu_kern_sum", "-f", "csv", "--filter-nvtx",
                "ProfilerStep#6@gpu_user_annotation", f);
        assertThat(step.code()).as(step.err()).isZero();
        long stepKernels = step.out().lines().skip(1).mapToLong(l -> Long.parseLong(l.split(",")[2])).sum();
        long allKernels = all.out().lines().skip(1).mapToLong(l -> Long.parseLong(l.split(",")[2])).sum();
        assertThat(stepKernels).isPositive().isLessThanOrEqualTo(allKernels);
    }

    @Test
    void explainKernelNamesTheRuleAndTile() throws IOException {
        Run r = run("explain-kernel", "ampere_sgemm_128x64_tn", "ncclDevKernel_AllReduce_Sum_f32_RING_LL");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("GEMM").contains("128x64").contains("communication");
        Path bad = Files.writeString(tmp.resolve("rules.tsv"), "GEMM\t([unclosed\tbroken regex\n");
        assertOneLineError(run("explain-kernel", "--rules", bad.toString(), "x"), ExitCodes.INPUT, "rules.tsv:1");
    }

    @Test
    void missingFile() {
        String nope = tmp.resolve("nope.sqlite").toString();
        assertOneLineError(run("stats", nope), ExitCodes.INPUT, "nope.sqlite: no such file");
        // every command that reads one profile reports the missing input, not a failure to write its output
        assertOneLineError(run("analyze", nope), ExitCodes.INPUT, "nope.sqlite: no such file");
        assertOneLineError(run("analyze", "--format", "json", nope), ExitCodes.INPUT, "nope.sqlite: no such file");
        assertOneLineError(run("report", "-o", tmp.resolve("r.html").toString(), nope), ExitCodes.INPUT,
                "nope.sqlite: no such file");
        assertOneLineError(run("export", "-o", tmp.resolve("r.json").toString(), nope), ExitCodes.INPUT,
                "nope.sqlite: no such file");
    }

    @Test
    void directory() {
        // a directory is a set of ranks; one without profiles is an input error
        assertOneLineError(run("stats", tmp.toString()), ExitCodes.INPUT, "directory without profiles");
    }

    @Test
    void emptyFile() throws IOException {
        Path p = Files.createFile(tmp.resolve("empty.sqlite"));
        assertOneLineError(run("stats", p.toString()), ExitCodes.INPUT, "empty.sqlite: empty file");
    }

    @Test
    void notSqlite() throws IOException {
        Path p = Files.writeString(tmp.resolve("notes.sqlite"), "hello, this is text\n");
        assertOneLineError(run("stats", p.toString()), ExitCodes.INPUT, "notes.sqlite: unrecognised format");
    }

    @Test
    void truncatedSqlite() throws IOException {
        byte[] all = Files.readAllBytes(TestData.fuser());
        Path p = Files.write(tmp.resolve("trunc.sqlite"), Arrays.copyOf(all, 10_000));
        assertOneLineError(run("stats", p.toString()), ExitCodes.INPUT, "trunc.sqlite: truncated");
    }

    @Test
    void corruptSqliteAtPageBoundary() throws IOException {
        byte[] all = Files.readAllBytes(TestData.fuser());
        byte[] cut = Arrays.copyOf(all, 64 * 1024);
        Path p = Files.write(tmp.resolve("cut.sqlite"), cut);
        Run r = run("stats", p.toString());
        assertOneLineError(r, ExitCodes.INPUT, "cut.sqlite:");
    }

    @Test
    void sqliteWithoutNsysTables() throws Exception {
        Path p = tmp.resolve("other.sqlite");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + p); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t(x INTEGER)");
            s.execute("INSERT INTO t VALUES (1)");
        }
        assertOneLineError(run("stats", p.toString()), ExitCodes.INPUT, "without Nsight Systems tables");
    }

    @Test
    void unreadableFile() throws IOException {
        Path p = Files.copy(TestData.fuser(), tmp.resolve("secret.sqlite"));
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("---------"));
        assumeTrue(!Files.isReadable(p), "running as root: permissions are not enforced");
        assertOneLineError(run("stats", p.toString()), ExitCodes.INPUT, "permission denied");
    }

    @Test
    void jsonInputIsNamed() throws IOException {
        Path p = Files.writeString(tmp.resolve("trace.json"), "{\"a\": 1}");
        assertOneLineError(run("stats", p.toString()), ExitCodes.INPUT, "trace.json:", "traceEvents");
        Path empty = Files.writeString(tmp.resolve("empty-trace.json"), "{\"traceEvents\": []}");
        Run r = run("stats", "-q", empty.toString());
        assertThat(r.code()).isZero();
        assertThat(r.err()).contains("SKIPPED: " + empty + " does not contain CUDA kernel data.");
    }

    @Test
    void nsysRepWithoutNsysSaysTheExportCommand() {
        Path rep = TestData.nsys("fuser-hopper-matmul-h100/report1.nsys-rep");
        Run r = run("stats", rep.toString());
        assumeTrue(r.code() != 0, "nsys is installed here");
        assertOneLineError(r, ExitCodes.INPUT, "nsys export --type sqlite");
    }

    @Test
    void unknownReport() {
        assertOneLineError(run("stats", "-r", "cuda_gpu_kern_summ", TestData.fuser().toString()), ExitCodes.USAGE,
                "unknown report 'cuda_gpu_kern_summ'");
    }

    @Test
    void badReportArgument() {
        assertOneLineError(run("stats", "-r", "cuda_api_sum:base", TestData.fuser().toString()), ExitCodes.USAGE,
                "does not take argument 'base'");
    }

    @Test
    void badFilterTime() {
        assertOneLineError(run("stats", "--filter-time", "abc", TestData.fuser().toString()), ExitCodes.USAGE, "--filter-time");
        assertOneLineError(run("stats", "--filter-time", "5/1", TestData.fuser().toString()), ExitCodes.USAGE, "END must be after START");
    }

    @Test
    void badFormatAndUnit() {
        assertOneLineError(run("stats", "-f", "xml", TestData.fuser().toString()), ExitCodes.USAGE, "unknown format 'xml'");
        assertOneLineError(run("stats", "--timeunit", "hours", TestData.fuser().toString()), ExitCodes.USAGE, "unknown time unit");
    }

    @Test
    void unknownOptionIsUsageError() {
        assertOneLineError(run("stats", "--frobnicate", TestData.fuser().toString()), ExitCodes.USAGE, "--frobnicate");
    }

    @Test
    void outputNotWritable() throws IOException {
        Path blocker = Files.writeString(tmp.resolve("file"), "x");
        Run r = run("stats", "-q", "-r", "cuda_api_sum", "-o", blocker.resolve("sub/base").toString(), TestData.fuser().toString());
        assertOneLineError(r, ExitCodes.OUTPUT, "cannot write");
    }

    @Test
    void analyzeWithoutFileRunsTheSyntheticDemo() {
        Run r = run("analyze", "-q");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("SYNTHETIC").contains("CUDA GPU Kernel Summary").contains("MoE".isEmpty() ? "" : "Rows:");
        assertThat(r.err()).contains("SYNTHETIC");
    }

    @Test
    void analyzeRealExportShowsCaptureSummary() {
        Run r = run("analyze", TestData.nsys("nsysai-fastvideo-wan-infer-h100x2/h100_2gpu_1s.sqlite").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("NVIDIA Nsight Systems 2026.2.1.210").contains("capture.sliced")
                .contains("kernel.launch_not_in_capture x1810").contains("of ").contains("--all");
    }

    @Test
    void analyzeStreamedEqualsStoredApartFromCorrelationChecks() {
        String f = TestData.nsys("nsysai-fastvideo-wan-infer-h100x2/h100_2gpu_1s.sqlite").toString();
        Run full = run("analyze", "--all", f);
        Run stored = run("analyze", "--all", "--no-findings", f);
        Run streamed = run("analyze", "--all", "--stream", f);
        assertThat(streamed.code()).isZero();
        String a = stored.out().replaceAll("(?s)  Import issues.*?\n\n", "");
        String b = streamed.out().replaceAll("(?s)  Import issues.*?\n\n", "").replaceAll("  Streamed \\(--stream.*\n", "");
        assertThat(full.out()).contains(" ** Findings (").contains(" ** GPU Time Breakdown (gpu_time_breakdown):");
        assertThat(stored.out()).doesNotContain(" ** Findings (");
        assertThat(b).isEqualTo(a);
        assertThat(stored.out()).contains("kernel.launch_not_in_capture");
        assertThat(streamed.out()).contains("findings, analyses and launch-correlation checks skipped").doesNotContain("launch_not_in_capture");
    }

    @Test
    void demoWritesFile() {
        Path p = tmp.resolve("demo.sqlite");
        Run r = run("demo", "-o", p.toString(), "--steps", "2");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(p).exists();
        Run s = run("stats", "-r", "nvtx_sum", "-f", "csv", p.toString());
        assertThat(s.out()).contains("decode_step");
    }

    @Test
    void versionPrints() {
        Run r = run("--version");
        assertThat(r.out()).startsWith("proflens ");
    }

    @Test
    void rulesListsEveryRuleWithThresholdsAndExplainsOne() {
        Run r = run("rules");
        assertThat(r.code()).as(r.err()).isZero();
        for (io.proflens.rules.Rule rule : io.proflens.rules.RuleRegistry.builtIn().rules()) {
            assertThat(r.out()).contains(rule.id()).contains(rule.title());
            for (io.proflens.rules.Threshold t : rule.thresholds()) {
                assertThat(r.out()).contains(t.key() + " = ");
            }
        }
        Run e = run("rules", "explain", "memcpy.small-transfers");
        assertThat(e.code()).isZero();
        assertThat(e.out()).contains("maxAvgKiB = 64 KiB").contains("default from:").contains("--set memcpy.small-transfers.");
        assertOneLineError(run("rules", "explain", "nope.rule"), ExitCodes.USAGE, "unknown rule 'nope.rule'");
        assertOneLineError(run("rules", "frobnicate"), ExitCodes.USAGE, "usage: proflens rules");
    }

    @Test
    void analyzeThresholdOverridesAndTheirErrors() throws Exception {
        String f = TestData.nsys("mordred-gpu-join-2021/report1.sqlite").toString();
        Run fires = run("analyze", "-q", "--no-stats", f);
        assertThat(fires.out()).contains("[CRITICAL] Low GPU utilization (gpu.low-utilization)");
        Run silenced = run("analyze", "-q", "--no-stats", "--set", "gpu.low-utilization.minUtilizationPct=5", f);
        assertThat(silenced.code()).isZero();
        assertThat(silenced.out()).doesNotContain("(gpu.low-utilization)\n").contains("[ok] gpu.low-utilization:");
        Run off = run("analyze", "-q", "--no-stats", "--set", "gpu.low-utilization.enabled=false", f);
        assertThat(off.out()).doesNotContain("gpu.low-utilization");
        Path conf = tmp.resolve("rules.conf");
        Files.writeString(conf, "# raise the bar\ngpu.idle-gaps.minGapMs = 10000\n");
        Run fromFile = run("analyze", "-q", "--no-stats", "--rules-config", conf.toString(), f);
        assertThat(fromFile.out()).contains("[ok] gpu.idle-gaps: no GPU idle gap longer than 10.000 s");
        assertOneLineError(run("analyze", "--set", "gpu.low-utilization.nope=1", f), ExitCodes.USAGE, "no threshold 'nope'");
        assertOneLineError(run("analyze", "--set", "bogus", f), ExitCodes.USAGE, "expected RULE_ID.KEY=VALUE");
        assertOneLineError(run("analyze", "--rules-config", tmp.resolve("missing.conf").toString(), f), ExitCodes.USAGE,
                "missing.conf");
        assertOneLineError(run("analyze", "--tokens-per-step", "0", f), ExitCodes.USAGE, "--tokens-per-step");
    }

    @Test
    void analyzeMarkdownHasFindingsAndAnalyses() {
        Run r = run("analyze", "-q", "-f", "markdown", "--no-stats",
                TestData.nsys("nsysai-fastvideo-train-h100x2-before/mfu_2gpu_before.sqlite").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("## Findings").contains("### 1. [WARNING]").contains("**Recommendation:**")
                .contains("## GPU Idle Time Attribution per Stream (HTA) (idle_attribution)");
    }

    @Test
    void exportWritesAChromeTraceThatReadsBack() throws Exception {
        Path out = tmp.resolve("wan.json.gz");
        Run r = run("export", TestData.nsys("nsysai-fastvideo-wan-infer-h100x2/h100_2gpu_1s.sqlite").toString(),
                "-o", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("wrote").contains("launch flows");
        assertThat(TestData.load(out).kernels().size()).isEqualTo(3442);
        assertOneLineError(run("export", "-f", "svg", "-o", out.toString(),
                TestData.nsys("nsysai-mock-tiny/mock.sqlite").toString()), ExitCodes.USAGE, "unknown export format 'svg'");
        assertOneLineError(run("export", "-o", out.toString(), tmp.resolve("none.sqlite").toString()), ExitCodes.INPUT,
                "none.sqlite");
    }

    @Test
    void analyzeWithNcuAndBaselineShowsEfficiencyFindingsAndTheDiff() {
        String ncu = TestData.nsys("llmperfopt-deepseek-ocr-rtx5090/ncu").toString();
        String train = TestData.nsys("nsysai-fastvideo-train-h100x2-before/mfu_2gpu_before.sqlite").toString();
        String wan = TestData.nsys("nsysai-fastvideo-wan-infer-h100x2/h100_2gpu_1s.sqlite").toString();
        Run r = run("analyze", "-q", "--no-stats", "--ncu", ncu, "--baseline", wan, train);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("(ncu.register-pressure)").contains("(ncu_kernels)").contains("(ncu_join)")
                .contains("(diff_summary)").contains("(diff_kernels)").contains("(diff_findings)");
        Run same = run("analyze", "-q", "--no-stats", "--baseline", train, train);
        assertThat(same.out()).contains("(diff_summary)");
        assertOneLineError(run("analyze", "--ncu", tmp.resolve("none.csv").toString(), train), ExitCodes.INPUT,
                "none.csv");
    }

    @Test
    void reportCarriesNcuAndBaselineTables() throws Exception {
        Path out = tmp.resolve("r.html");
        Run r = run("report", "-q", "--ncu", TestData.nsys("llmperfopt-deepseek-ocr-rtx5090/ncu").toString(),
                "--baseline", TestData.nsys("nsysai-mock-tiny/mock.sqlite").toString(),
                TestData.nsys("nsysai-fastvideo-wan-infer-h100x2/h100_2gpu_1s.sqlite").toString(), "-o", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.readString(out)).contains("\"ncu_kernels\"").contains("\"diff_kernels\"")
                .contains("ncu.register-pressure");
    }
}
