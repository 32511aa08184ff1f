package io.proflens.rules;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Threshold overrides and disabled rules, from {@code --set RULE_ID.KEY=VALUE} options and config files with one
 * {@code RULE_ID.KEY=VALUE} (or {@code RULE_ID.enabled=false}) per line; {@code #} starts a comment. Immutable.
 */
public final class RuleConfig {
    private final Map<String, Map<String, Double>> overrides;
    private final java.util.Set<String> disabled;

    private RuleConfig(Map<String, Map<String, Double>> overrides, java.util.Set<String> disabled) {
        this.overrides = overrides;
        this.disabled = disabled;
    }

    /** @return no overrides */
    public static RuleConfig defaults() {
        return new RuleConfig(Map.of(), java.util.Set.of());
    }

    /**
     * @param registry    the rules (to validate ids and keys)
     * @param configFile  optional file of assignments (null for none)
     * @param assignments {@code RULE_ID.KEY=VALUE} strings, applied after the file
     * @return the configuration
     * @throws IllegalArgumentException naming the bad assignment (unknown rule, unknown key, not a number)
     * @throws IOException when the file cannot be read
     */
    public static RuleConfig parse(RuleRegistry registry, Path configFile, List<String> assignments) throws IOException {
        Map<String, Map<String, Double>> o = new TreeMap<>();
        java.util.Set<String> off = new java.util.TreeSet<>();
        if (configFile != null) {
            List<String> lines = Files.readAllLines(configFile, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                int hash = line.indexOf('#');
                String s = (hash >= 0 ? line.substring(0, hash) : line).strip();
                if (!s.isEmpty()) {
                    try {
                        apply(registry, s, o, off);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(configFile + ":" + (i + 1) + ": " + e.getMessage());
                    }
                }
            }
        }
        for (String a : assignments) {
            apply(registry, a.strip(), o, off);
        }
        return new RuleConfig(o, off);
    }

    private static void apply(RuleRegistry registry, String s, Map<String, Map<String, Double>> o,
            java.util.Set<String> off) {
        int eq = s.indexOf('=');
        int dot = eq < 0 ? -1 : s.lastIndexOf('.', eq);
        if (eq < 0 || dot < 0) {
            throw new IllegalArgumentException("expected RULE_ID.KEY=VALUE, got '" + s + "'");
        }
        String id = s.substring(0, dot).strip();
        String key = s.substring(dot + 1, eq).strip();
        String value = s.substring(eq + 1).strip();
        Rule rule = registry.get(id).orElseThrow(() -> new IllegalArgumentException("unknown rule '" + id
                + "' (proflens rules lists them)"));
        if (key.equals("enabled")) {
            if (!value.equals("true") && !value.equals("false")) {
                throw new IllegalArgumentException(id + ".enabled must be true or false, got '" + value + "'");
            }
            if (value.equals("false")) {
                off.add(id);
            } else {
                off.remove(id);
            }
            return;
        }
        if (rule.thresholds().stream().noneMatch(t -> t.key().equals(key))) {
            throw new IllegalArgumentException("rule " + id + " has no threshold '" + key + "' (has: "
                    + rule.thresholds().stream().map(Threshold::key).toList() + ")");
        }
        double v;
        try {
            v = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(id + "." + key + ": not a number: '" + value + "'");
        }
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(id + "." + key + ": not a finite number: '" + value + "'");
        }
        o.computeIfAbsent(id, k -> new TreeMap<>()).put(key, v);
    }

    /** @return the threshold values for {@code rule} */
    public ThresholdValues valuesFor(Rule rule) {
        return ThresholdValues.of(rule, overrides.getOrDefault(rule.id(), Map.of()));
    }

    /** @return whether the rule is switched off */
    public boolean disabled(Rule rule) {
        return disabled.contains(rule.id());
    }
}
