package io.proflens.cli;

import io.proflens.analysis.phases.PhaseAnalysis;
import io.proflens.analysis.phases.PhaseOptions;
import io.proflens.analysis.phases.PhaseSeries;
import io.proflens.analysis.sla.SlaCalculator;
import io.proflens.analysis.sla.SlaResult;
import io.proflens.analysis.sla.SlaSpec;
import io.proflens.ingest.ImportOptions;
import io.proflens.model.Trace;
import io.proflens.report.OutputFormat;
import io.proflens.report.TimeUnitChoice;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code proflens sla [PROFILE]}: TPOT, per-user tokens/s, OTPS per node, max batch per DP under a scaling model and
 * TTFT, each with its arithmetic and a PASS/FAIL verdict against the targets. Numbers come from flags and/or
 * {@code --spec FILE} (JSON or the YAML subset of {@link SlaSpec}; flags override the file); with PROFILE the step
 * time is measured: the steady mean of the profile's main iteration ({@link PhaseAnalysis}).
 * Exit codes: 0 (also when a target is missed: the verdict is in the output), 2 bad flags, 3 unreadable spec or
 * profile, or a profile without a repeating iteration.
 */
@Command(name = "sla", mixinStandardHelpOptions = true,
        description = "Serving SLA check with the arithmetic printed: TPOT = step / accepted tokens, tokens/s per user, "
                + "OTPS per node = users per DP × DP × tokens/s per user, max batch per DP under a scaling model, TTFT. "
                + "With PROFILE the step time is the steady mean of its main iteration.")
public final class SlaCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "PROFILE",
            description = "Profile (nsys export, Kineto trace) whose main iteration's steady mean is the step time.")
    Path profile;

    @Option(names = "--spec", paramLabel = "FILE", description = "JSON object or 'key: value' lines (keys: "
            + "step_ms, accepted_tokens, tpot_target_ms, users_per_dp, dp, user_tps_target, otps_target, scaling, "
            + "second_batch, second_step_ms, exponent, prefill_ms, prefill_steps, ttft_target_ms, prompt_tokens).")
    Path specFile;

    @Option(names = "--step-ms", paramLabel = "MS", description = "Decode step (forward) time, ms.")
    String stepMs;

    @Option(names = "--accepted-tokens", paramLabel = "N", description = "Accepted tokens per step per user (default 1).")
    String acceptedTokens;

    @Option(names = "--tpot-target-ms", paramLabel = "MS", description = "TPOT target, ms.")
    String tpotTargetMs;

    @Option(names = "--users-per-dp", paramLabel = "N", description = "Concurrent users (decode batch) per DP rank.")
    String usersPerDp;

    @Option(names = "--dp", paramLabel = "N", description = "DP ranks per node (default 1).")
    String dp;

    @Option(names = "--user-tps-target", paramLabel = "TOK_S", description = "Per-user tokens/s target.")
    String userTpsTarget;

    @Option(names = "--otps-target", paramLabel = "TOK_S",
            description = "Output tokens/s per node target (default: user-tps-target × users-per-dp × dp).")
    String otpsTarget;

    @Option(names = "--scaling", paramLabel = "MODEL", description = "none (default), linear or power.")
    String scaling;

    @Option(names = "--second-batch", paramLabel = "N", description = "linear: users per DP of a second measured point.")
    String secondBatch;

    @Option(names = "--second-step-ms", paramLabel = "MS", description = "linear: step time at --second-batch, ms.")
    String secondStepMs;

    @Option(names = "--exponent", paramLabel = "E", description = "power: step ∝ batch^E.")
    String exponent;

    @Option(names = "--prefill-ms", paramLabel = "MS", description = "Time of one prefill step, ms.")
    String prefillMs;

    @Option(names = "--prefill-steps", paramLabel = "N", description = "Prefill steps until the first token (default 1).")
    String prefillSteps;

    @Option(names = "--ttft-target-ms", paramLabel = "MS", description = "TTFT target, ms.")
    String ttftTargetMs;

    @Option(names = "--prompt-tokens", paramLabel = "N", description = "Prompt tokens (adds prefill tokens/s).")
    String promptTokens;

    @Option(names = {"-f", "--format"}, description = "column (default), table, csv, tsv, json or markdown.")
    String format = "column";

    @Option(names = {"-q", "--quiet"}, description = "No progress on stderr while loading PROFILE.")
    boolean quiet;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        OutputFormat fmt = TimersCommand.format(format);
        Map<String, String> flags = flags();
        if (profile != null && stepMs != null) {
            throw new CliException(ExitCodes.USAGE, "give PROFILE or --step-ms, not both");
        }
        Map<String, String> values = new LinkedHashMap<>();
        String source = "options";
        if (specFile != null) {
            String text;
            try {
                text = Files.readString(specFile, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw new CliException(ExitCodes.INPUT, specFile + ": no such file");
            } catch (IOException e) {
                throw new CliException(ExitCodes.INPUT, specFile + ": cannot read: " + e.getMessage());
            }
            try {
                values.putAll(SlaSpec.parseValues(text, specFile.toString()));
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.INPUT, e.getMessage());
            }
            source = flags.isEmpty() ? specFile.toString() : specFile + " with options";
        }
        values.putAll(flags);
        SlaSpec sla;
        try {
            sla = SlaSpec.of(values, source);
        } catch (IllegalArgumentException e) {
            boolean fromFlag = specFile == null || flags.keySet().stream().anyMatch(k -> e.getMessage().contains(k));
            throw new CliException(fromFlag ? ExitCodes.USAGE : ExitCodes.INPUT, e.getMessage());
        }
        String stepSource = "given";
        if (profile != null) {
            Trace trace = InputOptions.read(profile, ImportOptions.all(), quiet);
            PhaseSeries main = PhaseAnalysis.of(trace, PhaseOptions.defaults()).mainIteration();
            if (main == null || !(main.steadyMeanNs() > 0)) {
                throw new CliException(ExitCodes.INPUT, profile + ": no repeating iteration (ProfilerStep#N or a repeating "
                        + "NVTX range) to measure the step time; give --step-ms instead");
            }
            int steady = main.count() - main.warmup().size();
            stepSource = "profile " + profile.getFileName() + ": " + main.label() + " steady mean of " + steady
                    + " iteration" + (steady == 1 ? "" : "s") + (main.warmup().isEmpty() ? ""
                    : ", " + main.warmup().size() + " warm-up excluded");
            sla = sla.withStepMs(BigDecimal.valueOf(main.steadyMeanNs()).movePointLeft(6)
                    .setScale(3, RoundingMode.HALF_UP).doubleValue());
        } else if (sla.stepMs() == null) {
            throw new CliException(ExitCodes.USAGE, "no step time: give --step-ms, step_ms in --spec, or a PROFILE");
        } else if (specFile != null && stepMs == null) {
            stepSource = "from " + specFile.getFileName();
        }
        SlaResult result = SlaCalculator.compute(sla, stepSource);
        TimersCommand.render(List.of(result.toTable()), fmt, TimeUnitChoice.parse("msec"), out);
        return ExitCodes.OK;
    }

    /** The flags given, as spec keys. */
    private Map<String, String> flags() {
        Map<String, String> m = new LinkedHashMap<>();
        put(m, "step_ms", stepMs);
        put(m, "accepted_tokens", acceptedTokens);
        put(m, "tpot_target_ms", tpotTargetMs);
        put(m, "users_per_dp", usersPerDp);
        put(m, "dp", dp);
        put(m, "user_tps_target", userTpsTarget);
        put(m, "otps_target", otpsTarget);
        put(m, "scaling", scaling);
        put(m, "second_batch", secondBatch);
        put(m, "second_step_ms", secondStepMs);
        put(m, "exponent", exponent);
        put(m, "prefill_ms", prefillMs);
        put(m, "prefill_steps", prefillSteps);
        put(m, "ttft_target_ms", ttftTargetMs);
        put(m, "prompt_tokens", promptTokens);
        return m;
    }

    private static void put(Map<String, String> m, String key, String value) {
        if (value != null) {
            m.put(key, value);
        }
    }
}
