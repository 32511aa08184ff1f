package io.proflens.analysis.sla;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The numbers of a serving SLA check, as an engineer states them: decode step time, accepted tokens per step,
 * users (batch) per DP rank, DP ranks per node, targets, an optional batch-scaling model and optional prefill numbers.
 * All times are milliseconds, all rates tokens per second.
 *
 * <h2>Spec keys</h2>
 * The same keys are accepted in a JSON object, in the YAML subset and as {@link #of(Map, String) a map} (the CLI
 * turns its flags into this map, {@code --users-per-dp} → {@code users_per_dp}); {@code -} and {@code _} are
 * interchangeable in keys:
 * <table>
 *   <caption>keys</caption>
 *   <tr><td>{@code step_ms}</td><td>decode step (forward) time, ms, &gt; 0; required unless the CLI measures it</td></tr>
 *   <tr><td>{@code accepted_tokens}</td><td>tokens accepted per step per user (speculative/MTP decoding), &gt; 0,
 *       default 1</td></tr>
 *   <tr><td>{@code tpot_target_ms}</td><td>TPOT target, ms, &gt; 0 (pass when TPOT ≤ target)</td></tr>
 *   <tr><td>{@code users_per_dp}</td><td>concurrent users (decode batch) per DP rank, integer ≥ 1</td></tr>
 *   <tr><td>{@code dp}</td><td>DP ranks per node, integer ≥ 1, default 1</td></tr>
 *   <tr><td>{@code user_tps_target}</td><td>per-user tokens/s target (pass when ≥); also gives the OTPS target
 *       {@code user_tps_target × users_per_dp × dp} when {@code otps_target} is absent</td></tr>
 *   <tr><td>{@code otps_target}</td><td>output tokens/s per node target (pass when ≥)</td></tr>
 *   <tr><td>{@code scaling}</td><td>{@code none} (default), {@code linear} or {@code power}: how step time grows
 *       with the batch, see {@link SlaCalculator}</td></tr>
 *   <tr><td>{@code second_batch}, {@code second_step_ms}</td><td>linear model: a second measured point (users per
 *       DP, step ms), besides ({@code users_per_dp}, {@code step_ms})</td></tr>
 *   <tr><td>{@code exponent}</td><td>power model: {@code step(B) = step_ms × (B / users_per_dp)^exponent}, ≥ 0</td></tr>
 *   <tr><td>{@code prefill_ms}</td><td>time of one prefill step, ms</td></tr>
 *   <tr><td>{@code prefill_steps}</td><td>prefill steps until the first token (chunked prefill), integer ≥ 1,
 *       default 1</td></tr>
 *   <tr><td>{@code ttft_target_ms}</td><td>TTFT target, ms (pass when TTFT ≤ target)</td></tr>
 *   <tr><td>{@code prompt_tokens}</td><td>prompt length, tokens: adds the prefill throughput line</td></tr>
 * </table>
 *
 * <h2>YAML subset</h2>
 * One {@code key: value} per line; blank lines, {@code #} comments (whole line, or after a blank at the end of a
 * line) and a leading {@code ---} are ignored; a value may be quoted with {@code "} or {@code '}. Nothing else of
 * YAML (no nesting, lists, anchors, multi-line values): an indented line or a line without {@code :} is an error.
 *
 * <pre>{@code
 * # DeepSeek decode, 8 DP per node
 * step_ms: 28.5
 * accepted_tokens: 2.3
 * tpot_target_ms: 16.6
 * users_per_dp: 24
 * dp: 8
 * user_tps_target: 60
 * }</pre>
 *
 * @param stepMs        decode step time, ms, or {@code null} when not given
 * @param acceptedTokens accepted tokens per step per user, &gt; 0
 * @param tpotTargetMs  TPOT target, ms, or {@code null}
 * @param usersPerDp    users per DP rank, or {@code null}
 * @param dp            DP ranks per node, ≥ 1
 * @param userTpsTarget per-user tokens/s target, or {@code null}
 * @param otpsTarget    per-node output tokens/s target, or {@code null}
 * @param scaling       batch scaling model, never {@code null}
 * @param prefillMs     prefill step time, ms, or {@code null}
 * @param prefillSteps  prefill steps until the first token, ≥ 1
 * @param ttftTargetMs  TTFT target, ms, or {@code null}
 * @param promptTokens  prompt tokens, or {@code null}
 */
public record SlaSpec(Double stepMs, double acceptedTokens, Double tpotTargetMs, Integer usersPerDp, int dp,
                      Double userTpsTarget, Double otpsTarget, Scaling scaling, Double prefillMs, int prefillSteps,
                      Double ttftTargetMs, Integer promptTokens) {

    /** Every accepted key, in documentation order. */
    public static final List<String> KEYS = List.of("step_ms", "accepted_tokens", "tpot_target_ms", "users_per_dp", "dp",
            "user_tps_target", "otps_target", "scaling", "second_batch", "second_step_ms", "exponent", "prefill_ms",
            "prefill_steps", "ttft_target_ms", "prompt_tokens");

    /** How the decode step time grows with the batch per DP. */
    public enum ScalingKind {
        /** No model: no max batch is computed. */
        NONE,
        /** {@code step(B) = a + k × B} through two measured points. */
        LINEAR,
        /** {@code step(B) = step_ms × (B / users_per_dp)^exponent}. */
        POWER
    }

    /**
     * The scaling model.
     *
     * @param kind         model kind
     * @param secondBatch  LINEAR: users per DP of the second point, else {@code null}
     * @param secondStepMs LINEAR: step time of the second point, ms, else {@code null}
     * @param exponent     POWER: exponent ≥ 0, else {@code null}
     */
    public record Scaling(ScalingKind kind, Integer secondBatch, Double secondStepMs, Double exponent) {
        /** No scaling model. */
        public static final Scaling NONE = new Scaling(ScalingKind.NONE, null, null, null);
    }

    /** Validates cross-field constraints. */
    public SlaSpec {
        if (scaling == null) {
            scaling = Scaling.NONE;
        }
        if (!(acceptedTokens > 0)) {
            throw new IllegalArgumentException("accepted_tokens must be > 0");
        }
        if (dp < 1 || prefillSteps < 1) {
            throw new IllegalArgumentException("dp and prefill_steps must be >= 1");
        }
    }

    /** @return this spec with {@code stepMs} replaced (e.g. by a measured step time), ms &gt; 0 */
    public SlaSpec withStepMs(double ms) {
        return new SlaSpec(ms, acceptedTokens, tpotTargetMs, usersPerDp, dp, userTpsTarget, otpsTarget, scaling,
                prefillMs, prefillSteps, ttftTargetMs, promptTokens);
    }

    /**
     * Parses a spec text: JSON when its first non-blank character is <code>{</code>, otherwise the YAML subset.
     *
     * @param text       the spec file's content
     * @param sourceName file name for messages
     * @return the validated spec
     * @throws IllegalArgumentException with a one-line message starting with {@code sourceName}
     */
    public static SlaSpec parse(String text, String sourceName) {
        return of(parseValues(text, sourceName), sourceName);
    }

    /**
     * Parses a spec text into raw {@code key → value} strings (keys normalised to {@code snake_case}, in file order),
     * without validating values; the CLI merges its flags over them before {@link #of}.
     *
     * @throws IllegalArgumentException on a syntax error or an unknown key, message starting with {@code sourceName}
     */
    public static Map<String, String> parseValues(String text, String sourceName) {
        String t = text.strip();
        if (t.startsWith("\uFEFF")) {
            t = t.substring(1).strip();
        }
        return t.startsWith("{") ? parseJson(t, sourceName) : parseYaml(text, sourceName);
    }

    private static Map<String, String> parseJson(String text, String source) {
        Map<String, String> values = new LinkedHashMap<>();
        try (JsonParser p = new JsonFactory().createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException(source + ": expected a JSON object");
            }
            JsonToken tok;
            while ((tok = p.nextToken()) == JsonToken.FIELD_NAME) {
                String key = key(p.currentName(), source, "line " + p.currentLocation().getLineNr());
                JsonToken v = p.nextToken();
                if (v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT || v == JsonToken.VALUE_STRING) {
                    put(values, key, p.getText(), source, "line " + p.currentLocation().getLineNr());
                } else if (v != JsonToken.VALUE_NULL) {
                    throw new IllegalArgumentException(source + ": line " + p.currentLocation().getLineNr() + ": '" + key
                            + "' must be a number or a string, got " + v.asString());
                }
            }
            if (tok != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new IllegalArgumentException(source + ": content after the JSON object");
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(source + ": invalid JSON at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (IOException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage());
        }
        return values;
    }

    private static Map<String, String> parseYaml(String text, String source) {
        Map<String, String> values = new LinkedHashMap<>();
        String[] lines = text.split("\\R", -1);
        for (int i = 0; i < lines.length; i++) {
            String where = "line " + (i + 1);
            String line = lines[i];
            if (i == 0 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            String s = stripComment(line);
            if (s.isBlank() || (s.strip().equals("---") && values.isEmpty())) {
                continue;
            }
            if (Character.isWhitespace(s.charAt(0))) {
                throw new IllegalArgumentException(source + ": " + where
                        + ": indented line; only flat 'key: value' lines are supported (no nesting)");
            }
            int colon = s.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException(source + ": " + where + ": expected 'key: value', got '" + s.strip() + "'");
            }
            String key = key(s.substring(0, colon).strip(), source, where);
            String value = s.substring(colon + 1).strip();
            if (value.length() >= 2 && (value.charAt(0) == '"' || value.charAt(0) == '\'')
                    && value.charAt(value.length() - 1) == value.charAt(0)) {
                value = value.substring(1, value.length() - 1);
            }
            if (value.isEmpty() || value.equals("~") || value.equals("null")) {
                continue;
            }
            put(values, key, value, source, where);
        }
        return values;
    }

    private static String stripComment(String line) {
        boolean quoted = false;
        char q = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                quoted = c != q;
            } else if (c == '"' || c == '\'') {
                quoted = true;
                q = c;
            } else if (c == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
                return line.substring(0, i);
            }
        }
        return line;
    }

    private static String key(String raw, String source, String where) {
        String k = raw.strip().toLowerCase(Locale.ROOT).replace('-', '_');
        if (!KEYS.contains(k)) {
            throw new IllegalArgumentException(source + ": " + where + ": unknown key '" + raw + "' (known: "
                    + String.join(", ", KEYS) + ")");
        }
        return k;
    }

    private static void put(Map<String, String> values, String key, String value, String source, String where) {
        if (values.put(key, value) != null) {
            throw new IllegalArgumentException(source + ": " + where + ": duplicate key '" + key + "'");
        }
    }

    /**
     * Builds a spec from raw values (see the key table above; {@code -} or {@code _} in keys).
     *
     * @param values     key → value text; numbers in plain or scientific notation; absent keys take their defaults
     * @param sourceName where the values come from (file name or "options"), for messages
     * @return the validated spec
     * @throws IllegalArgumentException naming the source, the key and the problem, e.g. a negative time, a
     *                                  fractional user count, or a scaling model without its points
     */
    public static SlaSpec of(Map<String, String> values, String sourceName) {
        Map<String, String> v = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            v.put(key(e.getKey(), sourceName, "key"), e.getValue());
        }
        Reader r = new Reader(v, sourceName);
        Double stepMs = r.positive("step_ms");
        Double accepted = r.positive("accepted_tokens");
        Integer users = r.count("users_per_dp");
        Integer dp = r.count("dp");
        String kindText = v.getOrDefault("scaling", "none").strip().toLowerCase(Locale.ROOT);
        ScalingKind kind;
        switch (kindText) {
            case "none": kind = ScalingKind.NONE; break;
            case "linear": kind = ScalingKind.LINEAR; break;
            case "power": kind = ScalingKind.POWER; break;
            default:
                throw new IllegalArgumentException(sourceName + ": scaling must be none, linear or power, got '"
                        + v.get("scaling") + "'");
        }
        Integer secondBatch = r.count("second_batch");
        Double secondStep = r.positive("second_step_ms");
        Double exponent = r.number("exponent");
        if (exponent != null && exponent < 0) {
            throw new IllegalArgumentException(sourceName + ": exponent must be >= 0, got " + v.get("exponent"));
        }
        if (kind != ScalingKind.NONE && users == null) {
            throw new IllegalArgumentException(sourceName + ": scaling " + kindText + " needs users_per_dp (the batch "
                    + "at which step_ms was measured)");
        }
        if (kind == ScalingKind.LINEAR) {
            if (secondBatch == null || secondStep == null) {
                throw new IllegalArgumentException(sourceName + ": scaling linear needs second_batch and second_step_ms "
                        + "(a second measured point)");
            }
            if (secondBatch.equals(users)) {
                throw new IllegalArgumentException(sourceName + ": scaling linear needs second_batch different from "
                        + "users_per_dp (" + users + ")");
            }
        }
        if (kind == ScalingKind.POWER && exponent == null) {
            throw new IllegalArgumentException(sourceName + ": scaling power needs exponent");
        }
        Scaling scaling = kind == ScalingKind.NONE ? Scaling.NONE
                : kind == ScalingKind.LINEAR ? new Scaling(kind, secondBatch, secondStep, null)
                : new Scaling(kind, null, null, exponent);
        Integer prefillSteps = r.count("prefill_steps");
        return new SlaSpec(stepMs, accepted == null ? 1.0 : accepted, r.positive("tpot_target_ms"), users,
                dp == null ? 1 : dp, r.positive("user_tps_target"), r.positive("otps_target"), scaling,
                r.positive("prefill_ms"), prefillSteps == null ? 1 : prefillSteps, r.positive("ttft_target_ms"),
                r.count("prompt_tokens"));
    }

    /** Typed access to raw values with one-line errors. */
    private record Reader(Map<String, String> values, String source) {
        Double number(String key) {
            String s = values.get(key);
            if (s == null) {
                return null;
            }
            try {
                double d = new BigDecimal(s.strip().replace("_", "")).doubleValue();
                if (!Double.isFinite(d)) {
                    throw new NumberFormatException();
                }
                return d;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(source + ": " + key + " must be a number, got '" + s + "'");
            }
        }

        Double positive(String key) {
            Double d = number(key);
            if (d != null && !(d > 0)) {
                throw new IllegalArgumentException(source + ": " + key + " must be > 0, got " + values.get(key));
            }
            return d;
        }

        Integer count(String key) {
            Double d = number(key);
            if (d == null) {
                return null;
            }
            if (d < 1 || d != Math.rint(d) || d > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(source + ": " + key + " must be a whole number >= 1, got "
                        + values.get(key));
            }
            return d.intValue();
        }
    }
}
