package io.proflens.rules;

import java.util.Map;
import java.util.TreeMap;

/**
 * The threshold values one rule runs with: its declared defaults overlaid by user overrides.
 */
public final class ThresholdValues {
    private final Rule rule;
    private final Map<String, Double> values;

    ThresholdValues(Rule rule, Map<String, Double> overrides) {
        this.rule = rule;
        Map<String, Double> v = new TreeMap<>();
        for (Threshold t : rule.thresholds()) {
            v.put(t.key(), overrides.getOrDefault(t.key(), t.defaultValue()));
        }
        this.values = v;
    }

    /** @return the defaults of {@code rule} (for tests and documentation) */
    public static ThresholdValues defaults(Rule rule) {
        return new ThresholdValues(rule, Map.of());
    }

    /** @return {@code rule} with the given overrides (keys must be declared by the rule) */
    public static ThresholdValues of(Rule rule, Map<String, Double> overrides) {
        for (String k : overrides.keySet()) {
            if (rule.thresholds().stream().noneMatch(t -> t.key().equals(k))) {
                throw new IllegalArgumentException("rule " + rule.id() + " has no threshold '" + k + "'");
            }
        }
        return new ThresholdValues(rule, overrides);
    }

    /**
     * @param key a threshold key declared by the rule
     * @return its value
     * @throws IllegalArgumentException when the rule declares no such key (a bug in the rule)
     */
    public double get(String key) {
        Double v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("rule " + rule.id() + " declares no threshold '" + key + "'");
        }
        return v;
    }

    /** @return {@link #get} rounded to a long (for ns / count thresholds) */
    public long getLong(String key) {
        return Math.round(get(key));
    }
}
